import { LOCALES } from "@inkstone/config";
import type { Core } from "@strapi/strapi";
import { z } from "zod";
import { deleteAccount } from "../../../lib/accounts/delete.ts";
import { exportAccount } from "../../../lib/accounts/export.ts";
import {
  changePassword,
  completeReset,
  confirmEmailChange,
  confirmVerification,
  requestEmailChange,
  requestReset,
  resendVerification,
} from "../../../lib/accounts/flows.ts";
import { checkLink, LINK_PURPOSES } from "../../../lib/accounts/links.ts";
import { accountOf, refusal, signedInAccount } from "../../../lib/accounts/members.ts";
import { maskEmail } from "../../../lib/mail/render.ts";
import { DELIVERIES, MAIL_CATEGORIES, mailSettingsOf, saveMailSettings } from "../../../lib/mail/settings.ts";
import { readUnsubscribeToken } from "../../../lib/mail/unsubscribe.ts";
import { parse } from "../../../lib/validate.ts";

type Ctx = {
  state: { user?: { id: number } };
  request: { body?: { data?: unknown } };
  status?: number;
  body: unknown;
  set(name: string, value: string): void;
};

const locale = z.enum(LOCALES, { error: `expected one of ${LOCALES.join(", ")}` });
const token = z.string({ error: "expected the link's token" }).max(200, { error: "expected the link's token" });
const password = z
  .string({ error: "expected a password" })
  .min(8, { error: "at least 8 characters" })
  .max(200, { error: "at most 200 characters" });
const currentPassword = z.string({ error: "expected your current password" }).min(1).max(200);
const email = z.email({ error: "expected an e-mail address" }).max(200, { error: "at most 200 characters" });
const delivery = z.enum(DELIVERIES, { error: `expected one of ${DELIVERIES.join(", ")}` });

const bodies = {
  resend: z.strictObject({ locale }),
  password: z.strictObject({
    currentPassword,
    password,
    keepSession: z.string().regex(/^[0-9a-f]{64}$/, { error: "expected the current session's hash" }),
    locale: locale.optional(),
  }),
  email: z.strictObject({ email, currentPassword, locale }),
  preferences: z.strictObject({
    ...Object.fromEntries(MAIL_CATEGORIES.map((category) => [category, delivery.optional()])),
    locale: locale.optional(),
  }),
  delete: z.strictObject({
    password: currentPassword,
    comments: z.enum(["keep", "remove"], { error: "expected keep or remove" }),
  }),
  check: z.strictObject({
    token,
    purpose: z.enum(LINK_PURPOSES, { error: `expected one of ${LINK_PURPOSES.join(", ")}` }),
  }),
  link: z.strictObject({ token }),
  reset: z.strictObject({ email, locale }),
  completeReset: z.strictObject({ token, password }),
};

const dataOf = (ctx: Ctx) => ctx.request.body?.data;

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  async resendVerification(ctx: Ctx) {
    const input = parse(bodies.resend, dataOf(ctx));
    await resendVerification(strapi, await signedInAccount(strapi, ctx), input.locale);
    ctx.status = 202;
    ctx.body = { data: { sent: true } };
  },

  async changePassword(ctx: Ctx) {
    const input = parse(bodies.password, dataOf(ctx));
    const account = await signedInAccount(strapi, ctx);
    const locale = input.locale ?? (await mailSettingsOf(strapi.db.connection, account.documentId)).locale;
    ctx.body = { data: await changePassword(strapi, account, { ...input, locale }) };
  },

  async changeEmail(ctx: Ctx) {
    const input = parse(bodies.email, dataOf(ctx));
    await requestEmailChange(strapi, await signedInAccount(strapi, ctx), input);
    ctx.status = 202;
    ctx.body = { data: { sent: true } };
  },

  async mailPreferences(ctx: Ctx) {
    const account = await signedInAccount(strapi, ctx);
    ctx.body = { data: await mailSettingsOf(strapi.db.connection, account.documentId) };
  },

  async saveMailPreferences(ctx: Ctx) {
    const input = parse(bodies.preferences, dataOf(ctx));
    const account = await signedInAccount(strapi, ctx);
    ctx.body = { data: await saveMailSettings(strapi.db.connection, account.documentId, input) };
  },

  async export(ctx: Ctx) {
    const { fileName, data } = await exportAccount(strapi, await signedInAccount(strapi, ctx));
    ctx.set("Content-Type", "application/zip");
    ctx.set("Content-Disposition", `attachment; filename="${fileName.replace(/[^\w.-]/g, "_")}"`);
    ctx.set("Cache-Control", "no-store");
    ctx.body = data;
  },

  async delete(ctx: Ctx) {
    const input = parse(bodies.delete, dataOf(ctx));
    const account = await signedInAccount(strapi, ctx);
    await deleteAccount(strapi, account, input);
    ctx.body = { data: { userId: account.documentId, deleted: true } };
  },

  async checkLink(ctx: Ctx) {
    const input = parse(bodies.check, dataOf(ctx));
    const { status, link } = await checkLink(strapi.db.connection, input.token, input.purpose);
    ctx.body = { data: { status, purpose: input.purpose, ...(link ? { email: maskEmail(link.email) } : {}) } };
  },

  async confirmVerification(ctx: Ctx) {
    const input = parse(bodies.link, dataOf(ctx));
    ctx.body = { data: await confirmVerification(strapi, input.token) };
  },

  /** The same 202 whatever the address: the answer never says whether an account has it. */
  async requestReset(ctx: Ctx) {
    const input = parse(bodies.reset, dataOf(ctx));
    await requestReset(strapi, input.email, input.locale);
    ctx.status = 202;
    ctx.body = { data: { sent: true } };
  },

  async completeReset(ctx: Ctx) {
    const input = parse(bodies.completeReset, dataOf(ctx));
    ctx.body = { data: await completeReset(strapi, input.token, input.password) };
  },

  async confirmEmailChange(ctx: Ctx) {
    const input = parse(bodies.link, dataOf(ctx));
    ctx.body = { data: await confirmEmailChange(strapi, input.token) };
  },

  async unsubscribe(ctx: Ctx) {
    const input = parse(bodies.link, dataOf(ctx));
    const named = readUnsubscribeToken(input.token);
    const account = named ? await accountOf(strapi, { documentId: named.userId }) : null;
    if (!named || !account)
      throw refusal("link_invalid", "This unsubscribe link is not valid: it may have been cut or altered.");
    const changes = Object.fromEntries(
      (named.scope === "all" ? MAIL_CATEGORIES : [named.scope]).map((category) => [category, "never"]),
    );
    await saveMailSettings(strapi.db.connection, account.documentId, changes);
    ctx.body = { data: { category: named.scope, email: maskEmail(account.email) } };
  },
});
