import {
  type AccountInfo,
  createNestablePublicClientApplication,
  InteractionRequiredAuthError,
  type IPublicClientApplication,
} from "@azure/msal-browser";
import { app, authentication, nestedAppAuth } from "@microsoft/teams-js";

/** What the tab asks Entra for: this app's registration and its one scope (served by GET /api/v1/sign-in). */
export interface SignInSettings {
  clientId: string;
  /** `api://…/access_as_user`: the API accepts a token for its client id or this URI, with this scope only. */
  scope: string;
}

export type TokenSource = () => Promise<string>;

/**
 * The tab's token inside Teams, after TeamsJS is initialised. Where the host recommends nested app
 * authentication, MSAL.js gets it through the host (NAA: no server round trip, consent in a Teams dialog);
 * elsewhere Teams' own SSO (`authentication.getAuthToken()`). Both are Entra v2 tokens for this app.
 */
export function teamsTokenSource(): TokenSource {
  if (!nestedAppAuth.isNAAChannelRecommended()) return () => authentication.getAuthToken();
  let ready: Promise<{ msal: IPublicClientApplication; scope: string; loginHint?: string }> | undefined;
  return async () => {
    ready ??= (async () => {
      const settings = await signInSettings();
      const msal = await createNestablePublicClientApplication({
        auth: { clientId: settings.clientId, authority: "https://login.microsoftonline.com/organizations" },
      });
      const context = await app.getContext();
      return { msal, scope: settings.scope, loginHint: context.user?.loginHint };
    })().catch((error: unknown) => {
      ready = undefined;
      throw error;
    });
    const { msal, scope, loginHint } = await ready;
    return naaToken(msal, scope, loginHint);
  };
}

async function naaToken(msal: IPublicClientApplication, scope: string, loginHint: string | undefined): Promise<string> {
  const account: AccountInfo | undefined = msal.getActiveAccount() ?? msal.getAllAccounts()[0];
  const request = { scopes: [scope], ...(account ? { account } : { loginHint }) };
  try {
    const result = await msal.acquireTokenSilent(request);
    msal.setActiveAccount(result.account);
    return result.accessToken;
  } catch (error) {
    // First use, or a consent or step-up the host must ask the person for.
    if (!(error instanceof InteractionRequiredAuthError)) throw error;
    const result = await msal.acquireTokenPopup(request);
    msal.setActiveAccount(result.account);
    return result.accessToken;
  }
}

async function signInSettings(): Promise<SignInSettings> {
  const response = await fetch("/api/v1/sign-in");
  if (!response.ok) throw new Error(`sign-in settings unavailable (${response.status})`);
  return (await response.json()) as SignInSettings;
}
