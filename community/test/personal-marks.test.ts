import { describe, expect, it } from "vitest";
import type { PersonalState } from "../src/lib/personal.ts";
import { type Fact, hasMarks, marks, personalize, unreadMark } from "../src/lib/personal-marks.ts";

const state = (over: Partial<PersonalState> = {}): PersonalState => ({
  likes: new Set(),
  bookmarks: new Set(),
  authors: new Set(),
  tags: new Set(),
  unread: 0,
  ...over,
});
const either = (fact: Fact, yes: string, no: string) => {
  const m = marks(fact);
  return `${m.open}${yes}${m.otherwise}${no}${m.close}`;
};

describe("personal parts of a shared member shell", () => {
  it("keeps, for each part, the version the member's state calls for", () => {
    const shell = `<p>${either({ like: "doc1" }, "Unlike", "Like")}|${either({ bookmark: "doc1" }, "Unsave", "Save")}|${either({ followsTag: "ai" }, "Unfollow tag", "Follow tag")}</p>`;
    expect(hasMarks(shell)).toBe(true);
    expect(personalize(shell, { state: state({ likes: new Set(["doc1"]) }), handle: "ada" })).toBe(
      "<p>Unlike|Save|Follow tag</p>",
    );
    expect(
      personalize(shell, { state: state({ bookmarks: new Set(["doc1"]), tags: new Set(["ai"]) }), handle: "b" }),
    ).toBe("<p>Like|Unsave|Unfollow tag</p>");
  });

  it("picks nested parts: the author sees no follow button, others see theirs", () => {
    const shell = either({ isMe: "ada" }, "", either({ followsAuthor: "ada" }, "Unfollow", "Follow"));
    expect(personalize(shell, { state: state({ authors: new Set(["ada"]) }), handle: "ada" })).toBe("");
    expect(personalize(shell, { state: state({ authors: new Set(["ada"]) }), handle: "bo" })).toBe("Unfollow");
    expect(personalize(shell, { state: state(), handle: "bo" })).toBe("Follow");
  });

  it("marks own comments only: the same shell gives each member edit controls on their own comments alone", () => {
    const shell = ["ada", "bo", "ada"]
      .map((author) => either({ isMe: author }, `[edit ${author}]`, "[report]"))
      .join("");
    expect(personalize(shell, { state: state(), handle: "ada" })).toBe("[edit ada][report][edit ada]");
    expect(personalize(shell, { state: state(), handle: "bo" })).toBe("[report][edit bo][report]");
    expect(personalize(shell, { state: state(), handle: "cy" })).toBe("[report][report][report]");
  });

  it("fills the unread badge in the page's language, or leaves nothing when there is none", () => {
    const shell = `<a>Notifications${unreadMark("en")}</a>`;
    expect(personalize(shell, { state: state({ unread: 3 }), handle: "a" })).toContain(
      '<span aria-hidden="true">3</span><span class="visually-hidden">3 unread notifications</span>',
    );
    expect(personalize(shell, { state: state(), handle: "a" })).toBe("<a>Notifications</a>");
  });

  it("treats a value that is not an id, handle or slug as never true, and leaves look-alike text alone", () => {
    const shell = either({ isMe: "x-->y" }, "mine", "not mine");
    expect(personalize(shell, { state: state(), handle: "x-->y" })).toBe("not mine");
    // Text typed by a member cannot carry the per-process nonce, so it is not a mark.
    const forged = "<!--ink:0000:if:1:isMe=ada-->yes<!--ink:0000:else:1-->no<!--ink:0000:end:1-->";
    expect(personalize(forged, { state: state(), handle: "ada" })).toBe(forged);
  });
});
