import { describe, expect, it } from "vitest";
import type { PersonalState } from "../src/lib/personal.ts";
import { addressMark, marks, personalize } from "../src/lib/personal-marks.ts";

// The banner asking a member to confirm their address lives in the shared member shell like every personal part:
// kept only for a member who has an address to confirm, with their address filled in (escaped) when the CMS says it.

const state = (over: Partial<PersonalState> = {}): PersonalState => ({
  likes: new Set(),
  bookmarks: new Set(),
  authors: new Set(),
  tags: new Set(),
  unread: 0,
  ...over,
});
const m = marks({ unconfirmed: "me" });
const shell = `${m.open}<p>Confirm: we sent a link to ${addressMark("en")}.</p>${m.otherwise}${m.close}<main></main>`;

describe("the banner asking to confirm the address", () => {
  it("shows only to a member with an address to confirm", () => {
    expect(personalize(shell, { state: state(), handle: "a" })).toBe("<main></main>");
    expect(personalize(shell, { state: state({ unconfirmed: false }), handle: "a" })).toBe("<main></main>");
    expect(personalize(shell, { state: state({ unconfirmed: true }), handle: "a" })).toBe(
      "<p>Confirm: we sent a link to your address.</p><main></main>",
    );
  });

  it("names the address when known, escaped", () => {
    const page = personalize(shell, {
      state: state({ unconfirmed: true, email: "<b>a***@example.test" }),
      handle: "a",
    });
    expect(page).toContain("<strong>&lt;b&gt;a***@example.test</strong>");
  });

  it("says it in the page's language", () => {
    const zh = `${m.open}${addressMark("zh-CN")}${m.otherwise}${m.close}`;
    expect(personalize(zh, { state: state({ unconfirmed: true }), handle: "a" })).toBe("你的邮箱");
  });
});
