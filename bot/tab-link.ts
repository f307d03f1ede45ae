/** The personal tab's entity id in appPackage/manifest.json. */
export const PERSONAL_TAB_ENTITY_ID = "home";

/** A Teams deep link that opens the app's personal tab. */
export function tabDeepLink(teamsAppId: string): string {
  return `https://teams.microsoft.com/l/entity/${encodeURIComponent(teamsAppId)}/${PERSONAL_TAB_ENTITY_ID}`;
}
