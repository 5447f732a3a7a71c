import type { Core } from "@strapi/strapi";

/**
 * How the admin's content manager lists and edits articles and comments, set once at bootstrap:
 * - articles: title, review state, author, submitted, updated; newest submission first; the edit view opens with
 *   the review state, the submission time (read-only) and the editor's note. The review queue is the list filtered
 *   on reviewState = submitted.
 * - comments: the text, its author, article, reports and date; most reported first, so reported comments form a
 *   queue (filtered on reportsCount > 0).
 * Applied once per VERSION (remembered in Strapi's store): an editor's later changes to these views (Configure the
 * view) are kept across restarts; raise VERSION to apply a changed view again.
 */
const VERSION = 1;
const STORE_KEY = "admin-views";

type Layout = { name: string; size: number }[][];
type Configuration = {
  settings: Record<string, unknown>;
  metadatas: Record<string, { edit?: Record<string, unknown>; list?: Record<string, unknown> }>;
  layouts: { list: string[]; edit: Layout };
};

type View = {
  uid: string;
  list: string[];
  sortBy: string;
  mainField?: string;
  /** Labels (list and edit) and other per-field settings. A relation shows its target's main field (the creator's
   * display name: the profile's first text field). */
  fields: Record<string, { label?: string; description?: string; editable?: boolean }>;
  /** Rows placed first in the edit view; their fields are taken out of the rows below. */
  editFirst?: Layout;
};

const VIEWS: View[] = [
  {
    uid: "api::article.article",
    list: ["title", "reviewState", "author", "submittedAt", "updatedAt"],
    sortBy: "submittedAt",
    fields: {
      reviewState: {
        label: "Review state",
        description:
          "Ask for changes or decline with a note; publish to publish. The creator is told of each decision.",
      },
      reviewNote: {
        label: "Note to the creator",
        description: "Required to ask for changes or to decline: the creator reads it in their studio.",
      },
      submittedAt: { label: "Submitted", editable: false },
      author: { label: "Creator" },
    },
    editFirst: [
      [
        { name: "reviewState", size: 6 },
        { name: "submittedAt", size: 6 },
      ],
      [{ name: "reviewNote", size: 12 }],
    ],
  },
  {
    uid: "api::comment.comment",
    list: ["body", "author", "articleDocumentId", "reportsCount", "createdAt"],
    sortBy: "reportsCount",
    mainField: "body",
    fields: {
      body: { label: "Comment" },
      author: { label: "Author" },
      articleDocumentId: { label: "Article" },
      reportsCount: { label: "Reports" },
    },
  },
];

function applied(view: View, configuration: Configuration): Configuration {
  const metadatas = { ...configuration.metadatas };
  for (const [name, field] of Object.entries(view.fields)) {
    const current = metadatas[name] ?? {};
    const label = field.label ? { label: field.label } : {};
    metadatas[name] = {
      ...current,
      edit: {
        ...current.edit,
        ...label,
        ...(field.description ? { description: field.description } : {}),
        ...(field.editable === false ? { editable: false } : {}),
      },
      list: { ...current.list, ...label },
    };
  }
  let edit = configuration.layouts.edit;
  if (view.editFirst) {
    const placed = new Set(view.editFirst.flat().map((field) => field.name));
    const rest = edit.map((row) => row.filter((field) => !placed.has(field.name))).filter((row) => row.length);
    edit = [...view.editFirst, ...rest];
  }
  return {
    settings: {
      ...configuration.settings,
      defaultSortBy: view.sortBy,
      defaultSortOrder: "DESC",
      ...(view.mainField ? { mainField: view.mainField } : {}),
    },
    metadatas,
    layouts: { ...configuration.layouts, list: view.list, edit },
  };
}

export async function ensureAdminViews(strapi: Core.Strapi): Promise<void> {
  const store = strapi.store({ type: "plugin", name: "inkstone" });
  if (Number((await store.get({ key: STORE_KEY })) ?? 0) >= VERSION) return;
  const contentTypes = strapi.plugin("content-manager").service("content-types");
  for (const view of VIEWS) {
    const contentType = contentTypes.findContentType(view.uid);
    const configuration = (await contentTypes.findConfiguration(contentType)) as Configuration;
    await contentTypes.updateConfiguration(contentType, applied(view, configuration));
  }
  await store.set({ key: STORE_KEY, value: VERSION });
}
