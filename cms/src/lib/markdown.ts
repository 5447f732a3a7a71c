/**
 * Comments are a Markdown subset: text, emphasis, code, quotes, lists and http(s)/mailto links. On write we drop
 * raw HTML (script and style with their content) and unwrap links and images whose target is not http(s) or mailto,
 * so what is stored is safe even before the community's renderer sanitises it again.
 */
export function sanitizeCommentMarkdown(input: string): string {
  return (
    input
      .replace(/\r\n?/g, "\n")
      .replace(/<(script|style|iframe|object|embed)\b[\s\S]*?<\/\1\s*>/gi, "")
      .replace(/<\/?[a-z!][^>]*>/gi, "")
      // A link target may hold one level of parentheses: [x](javascript:alert(1)).
      .replace(
        /!?\[([^\]]*)\]\(\s*<?((?:[^()\s>]|\([^()\s]*\))*)>?(?:\s+"[^"]*")?\s*\)/g,
        (whole, text: string, url: string) => (/^(https?:|mailto:)/i.test(url) ? whole : text),
      )
      .replace(/\n{3,}/g, "\n\n")
      .trim()
  );
}
