/**
 * A person's name for the device a session was started on, from its User-Agent: "Firefox on Linux". Only the common
 * browsers and systems are named; anything else shows its first word, and nothing at all shows as unknown.
 */

const BROWSERS: [RegExp, string][] = [
  [/\bEdg(?:e|A|iOS)?\//, "Edge"],
  [/\bOPR\/|\bOpera\b/, "Opera"],
  [/\bFirefox\/|\bFxiOS\//, "Firefox"],
  [/\bChrome\/|\bCriOS\//, "Chrome"],
  [/\bVersion\/[\d.]+.*\bSafari\//, "Safari"],
];

const SYSTEMS: [RegExp, string][] = [
  [/\bAndroid\b/, "Android"],
  [/\biPhone\b|\biPad\b|\biPod\b/, "iOS"],
  [/\bWindows\b/, "Windows"],
  [/\bMac OS X\b|\bMacintosh\b/, "macOS"],
  [/\bCrOS\b/, "ChromeOS"],
  [/\bLinux\b/, "Linux"],
];

export function describeDevice(userAgent: string | null | undefined): string | undefined {
  if (!userAgent?.trim()) return undefined;
  const browser = BROWSERS.find(([pattern]) => pattern.test(userAgent))?.[1];
  const system = SYSTEMS.find(([pattern]) => pattern.test(userAgent))?.[1];
  if (browser && system) return `${browser} · ${system}`;
  if (browser ?? system) return browser ?? system;
  // A script or an app: its own name (curl/8.5, undici), without the version.
  return userAgent.trim().split(/[\s/]/)[0]?.slice(0, 40) || undefined;
}

/** Date and time in UTC as a reader of `locale` writes them (no script, so the reader's own time zone is unknown). */
export function formatDateTime(iso: string | null | undefined, locale: string): string | undefined {
  const date = iso ? new Date(iso) : undefined;
  if (!date || Number.isNaN(date.getTime())) return undefined;
  const text = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" }).format(
    date,
  );
  return `${text} UTC`;
}
