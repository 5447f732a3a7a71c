/**
 * Removes reasoning that models such as DeepSeek-R1 or Qwen3 put in the answer: `<think>…</think>` blocks, an
 * unterminated block at the end (cut-off stream), and everything before a stray `</think>` whose opening tag was in
 * the prompt template.
 */
export function stripThinking(text: string): string {
  let result = text.replace(/<think>[\s\S]*?<\/think>/gi, "");
  result = result.replace(/<think>[\s\S]*$/i, "");
  const stray = result.search(/<\/think>/i);
  if (stray >= 0) result = result.slice(stray + "</think>".length);
  return result.trim();
}
