import { app } from "@microsoft/teams-js";
import { teamsTokenSource } from "./teams-sign-in.js";

export type ThemeName = "default" | "dark" | "contrast";

/** Where the tab runs: inside Teams (SSO token from Teams) or standalone in a browser (dev sign-in). */
export type Host =
  | { kind: "teams"; theme: ThemeName; getToken: () => Promise<string>; onTheme: (f: (t: ThemeName) => void) => void }
  | { kind: "standalone"; theme: ThemeName };

const TEAMS_INIT_TIMEOUT_MS = 1500;

function asTheme(value: string | undefined): ThemeName {
  return value === "dark" ? "dark" : value === "contrast" ? "contrast" : "default";
}

/**
 * app.initialize() rejects at once in a top-level page and never settles in a non-Teams iframe, so it is
 * raced against a timeout; losing the race means standalone.
 */
export async function detectHost(): Promise<Host> {
  const params = new URLSearchParams(window.location.search);
  const standalone: Host = { kind: "standalone", theme: asTheme(params.get("theme") ?? undefined) };
  if (window.parent === window) return standalone;
  const timeout = new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), TEAMS_INIT_TIMEOUT_MS));
  try {
    const result = await Promise.race([app.initialize().then(() => "teams" as const), timeout]);
    if (result === "timeout") return standalone;
    const context = await app.getContext();
    return {
      kind: "teams",
      theme: asTheme(context.app.theme),
      getToken: teamsTokenSource(),
      onTheme: (f) => app.registerOnThemeChangeHandler((t) => f(asTheme(t))),
    };
  } catch {
    return standalone;
  }
}
