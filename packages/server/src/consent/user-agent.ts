/*
 * A short, human description of the browser that opened a device request ("Chrome on
 * Windows"), shown to the person approving it (PROTOCOL.md §6). It helps them recognise
 * their own screen; it proves nothing, since any client may send any User-Agent, so only
 * the common families are told apart and everything else is "an unknown device".
 */

// First match wins: Chromium-based browsers also send "Chrome/", and nearly all send "Safari/".
const BROWSERS: readonly [RegExp, string][] = [
  [/\bEdg(e|A|iOS)?\//, 'Edge'],
  [/\bOPR\/|\bOpera\b/, 'Opera'],
  [/\bSamsungBrowser\//, 'Samsung Internet'],
  [/\bFirefox\/|\bFxiOS\//, 'Firefox'],
  [/\b(Headless)?Chrome\/|\bCriOS\/|\bChromium\//, 'Chrome'],
  [/\bVersion\/[\d.]+.*\bSafari\//, 'Safari'],
];

// iPhones and iPads also say "like Mac OS X", Android also says "Linux": they come first.
const SYSTEMS: readonly [RegExp, string][] = [
  [/\biPhone\b/, 'iPhone'],
  [/\biPad\b/, 'iPad'],
  [/\bAndroid\b/, 'Android'],
  [/\bWindows\b/, 'Windows'],
  [/\bCrOS\b/, 'ChromeOS'],
  [/\bMacintosh\b|\bMac OS X\b/, 'macOS'],
  [/\bLinux\b|\bX11\b/, 'Linux'],
];

const UNKNOWN = 'an unknown device';

function first(table: readonly [RegExp, string][], header: string): string | undefined {
  return table.find(([pattern]) => pattern.test(header))?.[1];
}

/** "Chrome on Windows", "Safari on iPhone", "a browser on Linux", "Firefox", or "an unknown device". */
export function describeUserAgent(header: string | undefined): string {
  if (!header) return UNKNOWN;
  const browser = first(BROWSERS, header);
  const system = first(SYSTEMS, header);
  if (browser && system) return `${browser} on ${system}`;
  if (system) return `a browser on ${system}`;
  return browser ?? UNKNOWN;
}
