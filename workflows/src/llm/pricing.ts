/** USD per million tokens (input, output) for models whose prices are public; others cost 0 in the records. */
const PRICES: Record<string, readonly [number, number]> = {
  "gpt-4o-mini": [0.15, 0.6],
  "gpt-4o": [2.5, 10],
  "gpt-4.1": [2, 8],
  "gpt-4.1-mini": [0.4, 1.6],
  "gpt-4.1-nano": [0.1, 0.4],
  "gpt-5": [1.25, 10],
  "gpt-5-mini": [0.25, 2],
  "gpt-5-nano": [0.05, 0.4],
  "deepseek-chat": [0.27, 1.1],
  "deepseek-reasoner": [0.55, 2.19],
};

/** Cost of one call in USD; 0 when the model's price is unknown (local models, unlisted providers). */
export function costUsd(model: string, promptTokens: number, completionTokens: number): number {
  // OpenRouter-style names carry a vendor prefix ("openai/gpt-4o-mini"); dated snapshots share the base price.
  const name = model.toLowerCase().split("/").pop() ?? "";
  const key = Object.keys(PRICES)
    .filter((candidate) => name === candidate || name.startsWith(`${candidate}-20`))
    .sort((a, b) => b.length - a.length)[0];
  const price = key ? PRICES[key] : undefined;
  if (!price) return 0;
  return (promptTokens * price[0] + completionTokens * price[1]) / 1_000_000;
}
