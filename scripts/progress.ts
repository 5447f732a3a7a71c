/** A one-line progress bar on stderr for long-running commands (seed, reindex); plain lines when not a terminal. */
export function progressBar(label: string): (done: number, total: number, step?: string) => void {
  const tty = process.stderr.isTTY;
  let lastPercent = -1;
  return (done, total, step = "") => {
    const percent = total ? Math.floor((done / total) * 100) : 100;
    if (tty) {
      const width = 30;
      const filled = Math.round((percent / 100) * width);
      const line = `${label} [${"#".repeat(filled)}${"-".repeat(width - filled)}] ${done}/${total} ${step}`.slice(
        0,
        110,
      );
      process.stderr.write(`\r${line.padEnd(110)}`);
      if (done >= total) process.stderr.write("\n");
    } else if (percent >= lastPercent + 10 || done >= total) {
      lastPercent = percent;
      process.stderr.write(`${label}: ${done}/${total} (${percent}%)\n`);
    }
  };
}
