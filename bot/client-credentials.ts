import {
  AppCredentials,
  type AuthenticatorResult,
  MicrosoftAppCredentials,
  ServiceClientCredentialsFactory,
} from "botframework-connector";

interface ClientCredentialsOptions {
  appId: string;
  appPassword: string;
  /** The bot's tenant for SingleTenant bots; "botframework.com" for MultiTenant ones. */
  tenant: string;
  /** e.g. https://login.microsoftonline.com/ — the tenant and /oauth2/v2.0/token are appended. */
  loginUrl: string;
}

/**
 * The OAuth 2.0 client-credentials grant, posted to a configurable Entra endpoint. botbuilder's own
 * credentials go through MSAL, which insists on https and instance discovery; this plain grant is the
 * same request on the wire, so tests can point it at a local token service.
 */
class ClientCredentials extends AppCredentials {
  constructor(
    private readonly options: ClientCredentialsOptions,
    scope: string,
  ) {
    super(options.appId, options.tenant, scope);
    this.oAuthEndpoint = `${options.loginUrl}${options.tenant}`;
  }

  protected override async refreshToken(): Promise<AuthenticatorResult> {
    const response = await fetch(`${this.oAuthEndpoint}/oauth2/v2.0/token`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "client_credentials",
        client_id: this.options.appId,
        client_secret: this.options.appPassword,
        scope: `${this.oAuthScope}/.default`,
      }),
    });
    const body = (await response.json().catch(() => ({}))) as { access_token?: string; expires_in?: number };
    if (!response.ok || !body.access_token) {
      throw new Error(`token request failed with HTTP ${response.status}`);
    }
    return {
      accessToken: body.access_token,
      expiresOn: new Date(Date.now() + (body.expires_in ?? 3600) * 1000),
    };
  }
}

export class ClientCredentialsFactory extends ServiceClientCredentialsFactory {
  constructor(private readonly options: ClientCredentialsOptions) {
    super();
  }

  async isValidAppId(appId: string): Promise<boolean> {
    return appId === this.options.appId;
  }

  async isAuthenticationDisabled(): Promise<boolean> {
    return !this.options.appId;
  }

  async createCredentials(appId: string, audience: string | undefined): Promise<AppCredentials> {
    if (!this.options.appId) return MicrosoftAppCredentials.Empty;
    if (appId !== this.options.appId) throw new Error("invalid app id");
    return new ClientCredentials(this.options, audience || "https://api.botframework.com");
  }
}
