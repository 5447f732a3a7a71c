import type { Locale } from "@inkstone/config";
import type { NotificationKind } from "../notify.ts";
import { maskEmail, renderMail } from "./render.ts";

/** What Inkstone mails, in the member's language. Each function returns the subject and both bodies. */

type Links = { settings: string; unsubscribe?: string };

/**
 * A notification as one sentence: `subject` is what the notification names (a title, a member, a run's topic). A
 * review decision names the article by its title; the editor's note goes below it (`notificationText`).
 */
const NOTIFICATION_LINES: Record<Locale, Record<NotificationKind, (subject: string) => string>> = {
  en: {
    comment_on_article: (s) => `New comment on “${s}”`,
    reply_to_comment: (s) => `New reply to your comment on “${s}”`,
    new_follower: (s) => `${s} started following you`,
    article_published: (s) => `“${s}” is published`,
    review_changes_requested: (s) => `An editor asked for changes to “${s}”`,
    review_declined: (s) => `An editor declined “${s}”`,
    review_published: (s) => `“${s}” is published`,
    article_liked: (s) => `Someone liked “${s}”`,
    generation_finished: (s) => `Your draft “${s}” is ready`,
    generation_failed: (s) => `A generation run failed: ${s}`,
  },
  "zh-CN": {
    comment_on_article: (s) => `《${s}》有新评论`,
    reply_to_comment: (s) => `你在《${s}》下的评论有新回复`,
    new_follower: (s) => `${s} 关注了你`,
    article_published: (s) => `《${s}》已发布`,
    review_changes_requested: (s) => `编辑请你修改《${s}》`,
    review_declined: (s) => `编辑未采用《${s}》`,
    review_published: (s) => `《${s}》已发布`,
    article_liked: (s) => `有人赞了《${s}》`,
    generation_finished: (s) => `你的草稿《${s}》已生成`,
    generation_failed: (s) => `生成失败：${s}`,
  },
};
const shortened = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
export const notificationLine = (locale: Locale, kind: NotificationKind, subject: string) =>
  NOTIFICATION_LINES[locale][kind](shortened(subject, 120));

/** Kinds whose message is an editor's note rather than what the line names. */
const NOTE_KINDS: readonly NotificationKind[] = ["review_changes_requested", "review_declined"];

/**
 * A notification's line and, for a review decision, the editor's note under it. `articleTitle` names the article
 * when the message is a note; without it (an older row) the line names the note itself.
 */
export function notificationText(
  locale: Locale,
  notification: { kind: NotificationKind; message: string; articleTitle?: string | null },
): { line: string; note?: string } {
  const { kind, message, articleTitle } = notification;
  if (!NOTE_KINDS.includes(kind) || !articleTitle) return { line: notificationLine(locale, kind, message) };
  return { line: notificationLine(locale, kind, articleTitle), note: message };
}

const copy = {
  en: {
    hello: (name: string) => `Hello ${name},`,
    ignore: "If this was not you, you can ignore this mail.",
    verify: {
      subject: "Confirm your e-mail address",
      body: "Confirm this address to comment, ask and generate on Inkstone. The link works for 48 hours.",
      action: "Confirm my address",
    },
    reset: {
      subject: "Reset your Inkstone password",
      body: "Someone asked to reset the password of your Inkstone account. The link works once, for 30 minutes.",
      action: "Choose a new password",
    },
    passwordChanged: {
      subject: "Your Inkstone password was changed",
      body: "The password of your account was just changed, and your other sessions were signed out.",
      notYou: (url: string) => `If this was not you, reset your password now: ${url}`,
    },
    emailChange: {
      subject: "Confirm your new e-mail address",
      body: "Confirm this address to make it your Inkstone account's address. The link works for 24 hours.",
      action: "Confirm the new address",
    },
    emailChangeNotice: {
      subject: "A change of your Inkstone e-mail address was asked for",
      body: (to: string) =>
        `Someone signed in to your account asked to change its address to ${to}. Nothing changes until that address is confirmed.`,
      notYou: "If this was not you, change your password now.",
    },
    emailChanged: {
      subject: "Your Inkstone e-mail address was changed",
      body: (to: string) => `Your account's address is now ${to}. Mail from Inkstone will go there from now on.`,
    },
    deleted: {
      subject: "Your Inkstone account was deleted",
      body: "Your account and your personal data were deleted, as you asked. Thank you for writing with us.",
    },
    notification: { action: "Open on Inkstone", note: (note: string) => `The editor's note: ${note}` },
    digest: {
      subject: (n: number) => (n === 1 ? "1 new notification on Inkstone" : `${n} new notifications on Inkstone`),
      body: "Here is what happened since your last digest:",
      action: "See all notifications",
    },
    footer: (links: Links) => [
      `Choose which mail you get: ${links.settings}`,
      ...(links.unsubscribe ? [`Stop these mails: ${links.unsubscribe}`] : []),
    ],
  },
  "zh-CN": {
    hello: (name: string) => `${name}，你好：`,
    ignore: "如果这不是你本人的操作，请忽略这封邮件。",
    verify: {
      subject: "请确认你的邮箱地址",
      body: "确认这个地址后，即可在 Inkstone 评论、提问和生成文章。链接 48 小时内有效。",
      action: "确认我的邮箱",
    },
    reset: {
      subject: "重置你的 Inkstone 密码",
      body: "有人请求重置你的 Inkstone 账号密码。链接只能使用一次，30 分钟内有效。",
      action: "设置新密码",
    },
    passwordChanged: {
      subject: "你的 Inkstone 密码已更改",
      body: "你的账号密码刚刚被更改，其他设备上的登录已全部退出。",
      notYou: (url: string) => `如果这不是你本人的操作，请立即重置密码：${url}`,
    },
    emailChange: {
      subject: "请确认你的新邮箱地址",
      body: "确认后，这个地址将成为你 Inkstone 账号的邮箱。链接 24 小时内有效。",
      action: "确认新邮箱",
    },
    emailChangeNotice: {
      subject: "有人请求更改你的 Inkstone 邮箱地址",
      body: (to: string) => `已登录你账号的人请求把邮箱改为 ${to}。在该地址确认之前，什么都不会改变。`,
      notYou: "如果这不是你本人的操作，请立即修改密码。",
    },
    emailChanged: {
      subject: "你的 Inkstone 邮箱地址已更改",
      body: (to: string) => `你账号的邮箱现在是 ${to}，今后 Inkstone 的邮件将发往该地址。`,
    },
    deleted: {
      subject: "你的 Inkstone 账号已删除",
      body: "按照你的要求，你的账号和个人数据已被删除。感谢你与我们一起写作。",
    },
    notification: { action: "在 Inkstone 查看", note: (note: string) => `编辑的意见：${note}` },
    digest: {
      subject: (n: number) => `Inkstone 有 ${n} 条新通知`,
      body: "自上次摘要以来：",
      action: "查看全部通知",
    },
    footer: (links: Links) => [
      `选择你想收到的邮件：${links.settings}`,
      ...(links.unsubscribe ? [`不再接收这类邮件：${links.unsubscribe}`] : []),
    ],
  },
} satisfies Record<Locale, unknown>;

export const mails = {
  verifyEmail: (locale: Locale, name: string, url: string) => {
    const c = copy[locale];
    return renderMail({
      subject: c.verify.subject,
      greeting: c.hello(name),
      paragraphs: [c.verify.body, c.ignore],
      action: { label: c.verify.action, url },
    });
  },
  passwordReset: (locale: Locale, name: string, url: string) => {
    const c = copy[locale];
    return renderMail({
      subject: c.reset.subject,
      greeting: c.hello(name),
      paragraphs: [c.reset.body, c.ignore],
      action: { label: c.reset.action, url },
    });
  },
  passwordChanged: (locale: Locale, name: string, forgotUrl: string) => {
    const c = copy[locale];
    return renderMail({
      subject: c.passwordChanged.subject,
      greeting: c.hello(name),
      paragraphs: [c.passwordChanged.body, c.passwordChanged.notYou(forgotUrl)],
    });
  },
  emailChange: (locale: Locale, name: string, url: string) => {
    const c = copy[locale];
    return renderMail({
      subject: c.emailChange.subject,
      greeting: c.hello(name),
      paragraphs: [c.emailChange.body, c.ignore],
      action: { label: c.emailChange.action, url },
    });
  },
  emailChangeNotice: (locale: Locale, name: string, newEmail: string) => {
    const c = copy[locale];
    return renderMail({
      subject: c.emailChangeNotice.subject,
      greeting: c.hello(name),
      paragraphs: [c.emailChangeNotice.body(maskEmail(newEmail)), c.emailChangeNotice.notYou],
    });
  },
  emailChanged: (locale: Locale, name: string, newEmail: string) => {
    const c = copy[locale];
    return renderMail({
      subject: c.emailChanged.subject,
      greeting: c.hello(name),
      paragraphs: [c.emailChanged.body(maskEmail(newEmail))],
    });
  },
  accountDeleted: (locale: Locale, name: string) => {
    const c = copy[locale];
    return renderMail({ subject: c.deleted.subject, greeting: c.hello(name), paragraphs: [c.deleted.body] });
  },
  notification: (locale: Locale, name: string, text: { line: string; note?: string }, url: string, links: Links) => {
    const c = copy[locale];
    return renderMail({
      subject: text.line,
      greeting: c.hello(name),
      paragraphs: text.note ? [text.line, c.notification.note(text.note)] : [text.line],
      action: { label: c.notification.action, url },
      footer: c.footer(links),
    });
  },
  digest: (locale: Locale, name: string, items: { text: string; url: string }[], allUrl: string, links: Links) => {
    const c = copy[locale];
    return renderMail({
      subject: c.digest.subject(items.length),
      greeting: c.hello(name),
      paragraphs: [c.digest.body],
      items,
      action: { label: c.digest.action, url: allUrl },
      footer: c.footer(links),
    });
  },
};
