/** A person as the directory knows them. */
export interface DirectoryPerson {
  objectId: string;
  displayName: string;
}

/** A Teams team's member, with whether Teams makes them an owner (a likely manager). */
export interface TeamMember extends DirectoryPerson {
  owner: boolean;
}

export type InstallOutcome = "installed" | "already-installed";

/**
 * Everything Throughline asks of Microsoft Graph, per customer tenant: the one seam between the app and
 * the directory. `GraphDirectory` implements it over HTTP with app-only tokens; failures are GraphError.
 */
export interface Directory {
  /** The organisation's display name (`GET /organization`). */
  organizationName(tenantId: string): Promise<string | undefined>;
  /** A Teams team's members (`GET /teams/{id}/members`). */
  teamMembers(tenantId: string, teamId: string): Promise<TeamMember[]>;
  /** An Entra group's people, nested groups included (`GET /groups/{id}/transitiveMembers/microsoft.graph.user`). */
  groupMembers(tenantId: string, groupId: string): Promise<DirectoryPerson[]>;
  /** One person (`GET /users/{id}`); undefined when the directory has no such user. */
  user(tenantId: string, objectId: string): Promise<DirectoryPerson | undefined>;
  /** A manager's direct reports that are people (`GET /users/{id}/directReports/microsoft.graph.user`). */
  directReports(tenantId: string, managerObjectId: string): Promise<DirectoryPerson[]>;
  /** The person's mailbox time zone as Outlook keeps it: a Windows name or an IANA one; undefined if unset. */
  mailboxTimeZone(tenantId: string, objectId: string): Promise<string | undefined>;
  /** The org catalogue's id of the Teams app with this manifest id; undefined when the catalogue lacks it. */
  catalogueAppId(tenantId: string, manifestId: string): Promise<string | undefined>;
  /** Installs the app in the person's personal scope; Teams then sends the bot its install event. */
  installForUser(tenantId: string, objectId: string, catalogueAppId: string): Promise<InstallOutcome>;
  /** The same calls made on behalf of a signed-in person (their verified API token), with their rights. */
  onBehalfOf(userToken: string): Directory;
}

/** What Graph answered, in terms a person can act on: the status and Graph's own error code. */
export class GraphError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "GraphError";
  }

  /** Missing permission or consent: retrying will not help until an admin acts. */
  get refused(): boolean {
    return this.status === 401 || this.status === 403;
  }
}
