import type { MarkdownRenderer } from "vitepress";

/** Generates a block's Markdown (or HTML) from the argument written after its name. */
export type Block = (argument: string) => string;

// `::: name argument` with `:::` on the next line: an empty container, so the source reads like VitePress's own.
const DIRECTIVE = /^::: *([\w-]+)(?: +(\S+))? *\n::: *$/gm;

/**
 * Replaces each `::: name argument` + `:::` pair whose name is a block's with that block's output, before the page
 * is parsed, so generated headings get anchors, join the outline and reach the local search index like any others.
 * Other containers (`::: tip`…) are left to VitePress.
 */
export function generatedBlocks(md: MarkdownRenderer, blocks: Record<string, Block>): void {
  md.core.ruler.after("normalize", "generated_blocks", (state) => {
    state.src = state.src.replace(DIRECTIVE, (directive, name: string, argument: string | undefined) => {
      const block = Object.hasOwn(blocks, name) ? blocks[name] : undefined;
      return block ? block(argument ?? "") : directive;
    });
  });
}
