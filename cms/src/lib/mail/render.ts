import { escapeHtml } from "@inkstone/search";

/** A mail as Inkstone writes them: a greeting, paragraphs, at most one button, and a footer. */
export type MailContent = {
  subject: string;
  greeting: string;
  paragraphs: string[];
  action?: { label: string; url: string };
  /** Lines under a rule: why the mail came, how to stop it. */
  footer?: string[];
  /** Listed items (a digest's notifications), each with its link. */
  items?: { text: string; url: string }[];
};

/** The plain-text and HTML bodies of `content`: the text one reads well on its own (links written out in full). */
export function renderMail(content: MailContent): { subject: string; text: string; html: string } {
  const text = [
    content.greeting,
    "",
    ...content.paragraphs.flatMap((p) => [p, ""]),
    ...(content.items ?? []).flatMap((item) => [`- ${item.text}`, `  ${item.url}`]),
    ...(content.items?.length ? [""] : []),
    ...(content.action ? [`${content.action.label}: ${content.action.url}`, ""] : []),
    ...(content.footer?.length ? ["--", ...content.footer] : []),
  ].join("\n");
  const p = (s: string) => `<p style="margin:0 0 16px">${escapeHtml(s)}</p>`;
  const html = [
    '<!doctype html><html><body style="margin:0;padding:24px;background:#f6f5f2">',
    '<div style="max-width:560px;margin:0 auto;padding:24px;background:#fff;border-radius:8px;font:16px/1.6 system-ui,sans-serif;color:#1f2328">',
    '<p style="margin:0 0 24px;font-weight:700;font-size:18px">Inkstone</p>',
    p(content.greeting),
    ...content.paragraphs.map(p),
    ...(content.items?.length
      ? [
          '<ul style="margin:0 0 16px;padding-left:20px">',
          ...content.items.map(
            (item) => `<li style="margin:0 0 8px"><a href="${escapeHtml(item.url)}">${escapeHtml(item.text)}</a></li>`,
          ),
          "</ul>",
        ]
      : []),
    ...(content.action
      ? [
          `<p style="margin:24px 0"><a href="${escapeHtml(content.action.url)}" style="display:inline-block;padding:10px 20px;background:#1f4e79;color:#fff;border-radius:6px;text-decoration:none">${escapeHtml(content.action.label)}</a></p>`,
          `<p style="margin:0 0 16px;font-size:13px;color:#57606a;word-break:break-all">${escapeHtml(content.action.url)}</p>`,
        ]
      : []),
    ...(content.footer?.length
      ? [
          '<hr style="border:0;border-top:1px solid #d0d7de;margin:24px 0">',
          ...content.footer.map(
            (line) => `<p style="margin:0 0 8px;font-size:13px;color:#57606a">${escapeHtml(line)}</p>`,
          ),
        ]
      : []),
    "</div></body></html>",
  ].join("");
  return { subject: content.subject, text, html };
}

/** `ada@example.org` → `a***@example.org`: enough for its owner to recognise, not enough to harvest. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf("@");
  if (at < 1) return "***";
  return `${email[0]}***${email.slice(at)}`;
}
