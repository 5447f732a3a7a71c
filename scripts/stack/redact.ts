/**
 * A URL as the status table and logs may show it: a password in it (`postgres://user:secret@host/db`, given in
 * DATABASE_URL) becomes `***`; anything that is not a URL with credentials is shown as it is.
 */
export function withoutPassword(url: string): string {
  if (!URL.canParse(url)) return url;
  const parsed = new URL(url);
  if (!parsed.password) return url;
  parsed.password = "***";
  return parsed.toString();
}
