import { offlineOutline } from "./offline-writer.ts";
import { isConclusionHeading, isIntroductionHeading, MIN_BODY_SECTIONS, PART_HEADINGS } from "./structure.ts";
import type { Outline, WriteContext } from "./types.ts";

/** Most sections an outline keeps (the prompt asks for 3 to 7, plus the introduction and conclusion). */
const MAX_SECTIONS = 9;

/**
 * A model's outline made whole: an introduction first and a conclusion last (added under their plain headings when
 * the model gave none), and at least three sections between them (the missing ones taken, in order, from the outline
 * the sources' own headings give, skipping any the model already has). Logs what it added.
 */
export function completeOutline(outline: Outline, context: WriteContext): Outline {
  const language = context.request.language;
  const headings = PART_HEADINGS[language];
  const sections = outline.sections.filter((section) => section.heading.trim()).slice(0, MAX_SECTIONS);
  const first = sections[0];
  const introduction = first && isIntroductionHeading(first.heading) ? first : undefined;
  const last = sections.length > 1 ? sections[sections.length - 1] : undefined;
  const conclusion = last && isConclusionHeading(last.heading) ? last : undefined;
  const body = sections.slice(introduction ? 1 : 0, conclusion ? -1 : undefined);

  let addedSections = 0;
  if (body.length < MIN_BODY_SECTIONS) {
    const known = () => body.map((section) => section.heading.toLowerCase());
    for (const candidate of offlineOutline(context).sections) {
      if (body.length >= MIN_BODY_SECTIONS) break;
      const { heading } = candidate;
      if (isIntroductionHeading(heading) || isConclusionHeading(heading)) continue;
      if (known().includes(heading.toLowerCase())) continue;
      body.push({ ...candidate, points: [] });
      addedSections++;
    }
  }

  const added = (introduction ? 0 : 1) + (conclusion ? 0 : 1) + addedSections;
  if (added > 0)
    context.log(
      "info",
      `the model's outline lacked ${listed([
        introduction ? "" : "an introduction",
        conclusion ? "" : "a conclusion",
        addedSections ? `${addedSections} section(s)` : "",
      ])}: added`,
      {
        key: "outlineCompleted",
        params: { introduction: !introduction, conclusion: !conclusion, sections: addedSections },
      },
    );
  return {
    ...outline,
    sections: [
      introduction ?? { heading: headings.introduction, points: outline.summary ? [outline.summary] : [], sources: [] },
      ...body,
      conclusion ?? { heading: headings.conclusion, points: [], sources: [] },
    ],
  };
}

/** "a", "a and b", "a, b and c" (empty parts left out). */
function listed(parts: string[]): string {
  const kept = parts.filter(Boolean);
  return kept.length > 1 ? `${kept.slice(0, -1).join(", ")} and ${kept.at(-1)}` : (kept[0] ?? "");
}
