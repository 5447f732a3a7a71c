import type { CmsEnv } from "@inkstone/config";

/**
 * The email plugin's settings: nodemailer over SMTP_HOST. With no SMTP_HOST nothing can be delivered, so the
 * transport only renders each message (nodemailer's JSON transport) and the outbox never hands it any (see
 * `mailEnabled`): the CMS still runs, and says at start that no mail goes out.
 */
export function mailProvider(env: CmsEnv) {
  const settings = { defaultFrom: env.MAIL_FROM, defaultReplyTo: env.MAIL_FROM };
  if (!env.SMTP_HOST) return { provider: "nodemailer", providerOptions: { jsonTransport: true }, settings };
  return {
    provider: "nodemailer",
    providerOptions: {
      host: env.SMTP_HOST,
      port: env.SMTP_PORT,
      secure: env.SMTP_SECURE,
      ...(env.SMTP_USERNAME ? { auth: { user: env.SMTP_USERNAME, pass: env.SMTP_PASSWORD ?? "" } } : {}),
      // A mail server that hangs must not hold a send (and its outbox row's lease) for nodemailer's default 2 min.
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
    },
    settings,
  };
}

export const mailEnabled = (env: CmsEnv): boolean => Boolean(env.SMTP_HOST);
