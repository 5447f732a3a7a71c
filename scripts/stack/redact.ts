import { maskSecrets } from "@inkstone/config/mask";

/**
 * A URL as the status table shows it: a password in it (`postgres://user:secret@host/db`, given in DATABASE_URL)
 * becomes `***`; anything else is shown as it is.
 */
export function withoutPassword(url: string): string {
  return maskSecrets(url, []);
}
