/** The creator studio's strings in English: the studio, the draft editor and the preview page. */

export const studioEn = {
  nav: "Studio",
  title: "Your studio",
  description:
    "Your generation runs and your articles: edit your drafts, submit them for review, follow the editors' decisions.",

  runs: {
    heading: "My runs",
    empty:
      "You have not launched a run yet. Go to Write, give a topic and your sources, and the draft it makes lands here.",
    startOne: "Write with AI",
    unavailable:
      "Your runs cannot be listed right now: generation is not reachable. Your articles are below; try again in a minute.",
    submitted: (when: string) => `started ${when}`,
    finished: (when: string) => `finished ${when}`,
    why: "Why it failed:",
    open: "Open the run",
    retry: "Retry",
    retryLabel: (topic: string) => `Retry “${topic}” with the same inputs`,
    fromInputs: "New run from these inputs",
    draft: "Edit its draft",
  },

  articles: {
    heading: "My articles",
    empty:
      "No articles yet. When one of your runs finishes, its draft appears here: edit it, then submit it for an editor's review.",
    updated: (when: string) => `changed ${when}`,
    submittedAt: (when: string) => `submitted ${when}`,
    edit: "Edit",
    open: "Open",
    onSite: "Read it on the site",
    note: "Editor's note",
  },

  states: {
    draft: "Draft",
    submitted: "Submitted for review",
    changes_requested: "Changes requested",
    published: "Published",
    declined: "Declined",
  },
  /** What each state means for the creator, in one sentence. */
  stateHelp: {
    draft: "Only you can see it. Edit it, then submit it for review.",
    submitted: "Waiting for an editor. Withdraw it if you want to edit it again.",
    changes_requested: "An editor asked for changes: edit it, then submit it again.",
    published: "It is live. Further changes go through an editor.",
    declined: "An editor declined it; it will not be published.",
  },

  editor: {
    title: (title: string) => `Edit: ${title}`,
    description: "Edit your draft, preview it as it will be published, and submit it for review.",
    back: "Back to your studio",
    fields: {
      title: "Title",
      summary: "Summary",
      summaryHint: "Optional: one or two sentences under the title, up to 1,000 characters.",
      body: "Body (Markdown)",
      bodyHint:
        "Markdown: ## headings, *emphasis*, lists, links. Cite a source as [1], [2]… — the number of a source listed below.",
    },
    sources: "Sources",
    sourcesHint:
      "Remove deletes the source and its citations, and renumbers the later ones so every [n] still points to the same source. Nothing is saved until you press Save draft.",
    noSources: "No sources are listed, so the body cannot cite any.",
    remove: "Remove",
    removeLabel: (n: number, title: string) => `Remove source ${n}: ${title}`,
    removed: (n: number) =>
      `Source ${n} is removed and its citations with it; later citations are renumbered. Not saved yet: press Save draft to keep it.`,
    preview: "Preview",
    save: "Save draft",
    submit: "Submit for review",
    submitHint: "Saves what is in the form, then sends it to the editors.",
    withdraw: "Withdraw from review",
    previewHeading: "Preview",
    previewNote: "How the article will look once published, from what is in the form (not saved).",
    previewRefused:
      "The preview needs the body (at most 200,000 characters), the number of sources (0 to 50) and a language.",
    previewLive: "The preview follows what you type.",
    unsaved: "This form has changes that are not saved.",
    saved: "Draft saved.",
    submitted: "Submitted. An editor will review it; you will be notified of their decision.",
    withdrawn: "Withdrawn: it is a draft again, and you can edit it.",
    readOnly: "This article cannot be edited now.",
    stale:
      "This draft changed since you opened it (in another tab, or an editor edited it). What you typed is kept in the form; the saved version is shown under it. Press Save draft again to replace the saved version with yours.",
    savedVersion: "The saved version",
    notEditable: {
      submitted: "It is waiting for an editor's review, so it cannot be edited. Withdraw it to edit it again.",
      published: "It is published: further changes go through an editor.",
      declined: "An editor declined it, so it cannot be edited or submitted again.",
      draft: "It cannot be edited right now. Reload the page.",
      changes_requested: "It cannot be edited right now. Reload the page.",
    },
    wrongState: "Its review state changed meanwhile. Reload the page to see where it stands.",
    unavailable:
      "The content service is not answering right now, so nothing was saved. What you typed is still in the form: try again in a moment.",
    fix: "Please fix the fields marked below; nothing was saved.",
    errors: {
      title: "Enter a title, up to 200 characters.",
      summary: "At most 1,000 characters.",
      body: "The article needs a body, up to 200,000 characters.",
      sources: "A source needs a title and an http(s) address; at most 50 sources.",
      version:
        "This form does not say which version of the draft it edits. Reload the page, then apply your edit again.",
      citationNone: (n: number) => `[${n}] cites a source, but the article lists none: remove the [${n}].`,
      citationOutside: (n: number, count: number) =>
        `[${n}] points to no source: the article lists ${count} (cite [1] to [${count}]).`,
    },
  },

  preview: {
    title: (title: string) => `Preview: ${title}`,
    banner: "Preview · not published",
    bannerDetail: (until: string) =>
      `This is how the draft will look once published. Nobody else can find this page; the link works until ${until}.`,
    expiredTitle: "This preview link has expired",
    expiredBody:
      "Preview links work for 30 minutes. Open the preview again from the CMS (the Preview button of the article) for a new link.",
  },
};
