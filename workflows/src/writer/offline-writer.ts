import { PipelineError } from "../pipeline/errors.ts";
import { type ArticlePlan, cite, planArticle } from "./offline/plan.ts";
import type { Outline, WriteContext, Writer } from "./types.ts";

export { cite };

/** The model name recorded on drafts the offline writer composed. */
export const OFFLINE_MODEL = "offline-extractive";

/**
 * Composes an article without a language model (see offline/plan.ts): an introduction, sections under the
 * sources' headings and a conclusion, each a choice of the sources' own sentences, cited. Deterministic, so a
 * resumed run writes the same sections again.
 */
export function offlineWriter(): Writer {
  return {
    offline: true,
    models: [OFFLINE_MODEL],
    async outline(context) {
      const plan = planOf(context);
      if (!plan.sections.length)
        throw new PipelineError(
          "no-material",
          context.request.language === "zh-CN"
            ? "the sources that could be read have no Chinese sentences the offline writer can quote (it copies sentences, it does not translate): add Chinese sources or configure a language model"
            : "the sources that could be read have no English sentences the offline writer can quote (it copies sentences, it does not translate): add English sources or configure a language model",
          false,
          { key: "noQuotable", params: { language: context.request.language } },
        );
      const unit = context.request.language === "zh-CN" ? "characters" : "words";
      context.log(
        "info",
        `offline writer: ${plan.sections.length} sections from ${plan.sentences} quotable sentences, ${plan.length} of ${plan.target} ${unit}`,
        {
          key: "offlinePlan",
          params: {
            sections: plan.sections.length,
            sentences: plan.sentences,
            length: plan.length,
            target: plan.target,
            unit,
          },
        },
      );
      if (plan.shortfall) {
        const { sentences, available, used, length, target, unit: counted } = plan.shortfall;
        context.log(
          "warn",
          `the draft is shorter than asked: the sources hold ${sentences} quotable sentences (${available} ${counted}, ${used} used without repeating one another), so the draft has ${length} of the ${target} ${counted} asked for`,
          { key: "offlineShort", params: plan.shortfall },
        );
      }
      if (plan.fromMaterial && context.sources.length)
        context.log(
          "info",
          "the sources hold little to quote: the draft also quotes your pasted references and files",
          { key: "offlineQuotesMaterial" },
        );
      else if (context.sources.length && context.material.length)
        context.log(
          "info",
          "the offline writer quotes only the sources it can cite; your pasted references and files are not quoted",
          { key: "offlineMaterialUnquoted" },
        );
      return outlineOf(plan);
    },
    async section(context, outline, index) {
      const heading = outline.sections[index]?.heading;
      if (heading === undefined) throw new Error(`no section ${index} in the outline`);
      const { sections } = planOf(context);
      const planned = sections[index];
      if (planned && planned.heading === heading) return planned.body;
      // An outline the plan did not make (a checkpoint from an earlier version): its section by heading, else the
      // planned section in its place.
      const same = sections.find((section) => section.heading === heading) ?? planned;
      if (!same) throw new Error(`the offline writer has no section ${index + 1} for "${heading}"`);
      return same.body;
    },
  };
}

/** An outline built from the sources alone (also the LLM writer's fallback when a model's outline is unusable). */
export function offlineOutline(context: WriteContext): Outline {
  return outlineOf(planOf(context));
}

// One plan per run context: the outline and every section read the same one.
const plans = new WeakMap<WriteContext, ArticlePlan>();

function planOf(context: WriteContext): ArticlePlan {
  let plan = plans.get(context);
  if (!plan) {
    plan = planArticle(context);
    plans.set(context, plan);
  }
  return plan;
}

function outlineOf(plan: ArticlePlan): Outline {
  return {
    title: plan.title,
    summary: plan.summary,
    tags: plan.tags,
    sections: plan.sections.map((section) => ({ heading: section.heading, points: [], sources: section.sources })),
  };
}
