// When a page's source last changed, for the sitemap's <lastmod>. The build must not depend on a checkout (the
// Docker image builds from copied files), so git is asked only when it is there and the file is unchanged in it.
import { execFileSync } from "node:child_process";
import { statSync } from "node:fs";
import { basename, dirname } from "node:path";

const git = (file: string, args: string[]) =>
  execFileSync("git", [...args, "--", basename(file)], {
    cwd: dirname(file),
    encoding: "utf8",
    stdio: ["ignore", "pipe", "ignore"],
  }).trim();

/**
 * The date of the last commit that changed `file` when git knows the file and it has no uncommitted change;
 * otherwise (edited, new, or no git at all) the file's own modification time.
 */
export function lastModified(file: string): Date {
  try {
    const committed = git(file, ["log", "-1", "--format=%cI"]);
    if (committed && git(file, ["status", "--porcelain"]) === "") return new Date(committed);
  } catch {
    // No git, or not a checkout: the file's own time is all there is.
  }
  return statSync(file).mtime;
}
