/** A state change the domain does not allow, e.g. a completed program going back to active. */
export class InvalidTransitionError extends Error {
  constructor(
    readonly entity: string,
    readonly from: string,
    readonly to: string,
  ) {
    super(`${entity} cannot go from ${from} to ${to}`);
    this.name = "InvalidTransitionError";
  }
}

/** A rule that spans fields (e.g. a behaviour names a skill the program does not have). */
export class DomainRuleError extends Error {
  constructor(readonly rules: string[]) {
    super(rules.join("; "));
    this.name = "DomainRuleError";
  }
}

/** Input past a limit that protects every tenant (the rows of an upload): refused whole, nothing written. */
export class TooLargeError extends Error {
  constructor(
    readonly field: string,
    readonly rule: string,
  ) {
    super(`${field} ${rule}`);
    this.name = "TooLargeError";
  }
}
