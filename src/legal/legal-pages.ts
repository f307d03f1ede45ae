import { Router } from "express";

export interface LegalFacts {
  /** Figures drawn from fewer people than this are withheld (PRIVACY_MIN_GROUP_SIZE). */
  minGroupSize: number;
  /** Statements also go to the organisation's learning record store. */
  xapiLrsConfigured: boolean;
  /** Microsoft Graph is configured (directory rosters, installs, the organisation's name). */
  graphConfigured: boolean;
}

/**
 * The privacy statement and terms of use the Teams manifest links to (`privacyUrl`, `termsOfUseUrl`). They
 * describe what this build really stores and shows; the figures in them come from the running configuration.
 */
export function legalPages(facts: LegalFacts): Router {
  const router = Router();
  router.get("/privacy", (_req, res) => {
    res.type("html").send(page("Throughline privacy statement", privacy(facts)));
  });
  router.get("/terms", (_req, res) => {
    res.type("html").send(page("Throughline terms of use", terms(facts)));
  });
  return router;
}

function privacy(f: LegalFacts): string {
  return `
<p>Throughline is run by your organisation (or a provider it chose) in its own Azure subscription. Everything
below is kept in that deployment's Azure Storage, separated by Microsoft Entra tenant: no query reads across
tenants.</p>
<h2>What is stored</h2>
<ul>
<li><b>Your organisation</b>: its Entra tenant id and name, and the people named as Throughline admins.</li>
<li><b>Teams taking part</b>: for each manager and member, their Entra object id, display name, time zone and
language, as an admin imported them (a file, or the Microsoft 365 directory).</li>
<li><b>How to reach you in Teams</b>: the chat the Throughline bot has with you (its id and Teams' service
address), whether it can still reach you (for example, that you removed the app, and when), and any pause you
asked for.</li>
<li><b>Cards</b>: which card was planned for you, when it was sent, and whether it was completed, skipped or
failed, with the reason.</li>
<li><b>What you enter</b>: challenges done or skipped and your optional reflection; observations a manager
records about a team member on a behaviour (a rubric level and an optional note); answers to practice nudges;
skills-check answers and scores.</li>
<li><b>Business figures</b>: the KPI values your organisation loads (per team or organisation-wide), which
name no person.</li>
${f.xapiLrsConfigured ? "<li><b>Learning records</b>: the same activity as xAPI statements, also sent to your organisation's learning record store.</li>" : "<li><b>Learning records</b>: the same activity as xAPI statements, kept for your organisation to export.</li>"}
</ul>
<p>Throughline does not store your sign-in tokens (each is checked and discarded), your email, your chats with
anyone but the Throughline bot, or the contents of your mailbox.</p>
${
  f.graphConfigured
    ? `<h2>What is read from Microsoft 365</h2>
<p>With your organisation's admin consent, Throughline reads through Microsoft Graph: your organisation's
name; the members of a team, group or a manager's direct reports when an admin builds a team from them; each
such person's mailbox time-zone setting (only the time zone), so cards arrive at the right local time; and the
app catalogue, to install the Throughline app for people taking part so the bot can message them.</p>`
    : ""
}
<h2>Who sees what</h2>
<ul>
<li>You see your own cards, answers, practice streak and skills-check results.</li>
<li>A manager sees their own teams: adoption of the targeted behaviours, who has and has not been observed, and
the challenges they did.</li>
<li>Your organisation's Throughline admins see programs, teams, delivery status and reach (who the app can
reach and why not), and the figures of each program.</li>
<li>No figure is shown that is drawn from fewer than <b>${f.minGroupSize}</b> people; where a group is
smaller, the figure is withheld.</li>
</ul>
<h2>How long it is kept</h2>
<p>Records are kept while your organisation uses Throughline. Your organisation's admins can have everything
stored about one person exported or erased, and can have all of the organisation's data removed when it stops
using Throughline. Removing the app from your own Teams stops every card planned for you at once.</p>
<h2>Questions</h2>
<p>Ask your organisation's Throughline admin or IT department, who run this deployment.</p>`;
}

function terms(f: LegalFacts): string {
  return `
<p>Throughline is provided to you by your organisation for learning and development at work. By using it in
Microsoft Teams you agree to use it for that purpose and in line with your organisation's policies.</p>
<ul>
<li>Cards are reminders and practice prompts; what you record (reflections, observations, answers) is work
information your organisation's admins and, for observations, your manager can see as described in the
<a href="privacy">privacy statement</a>.</li>
<li>Observations of colleagues must be fair, factual and about the behaviours the program names.</li>
<li>Program figures are estimates. No figure is shown from fewer than <b>${f.minGroupSize}</b> people, and the effect
of a program is reported with its uncertainty.</li>
<li>You can pause cards ("pause 7 days" in the chat) or remove the app at any time; removing it stops every card
planned for you.</li>
<li>Throughline is provided as is, without warranty; your organisation's agreement with its provider governs
anything beyond these terms.</li>
</ul>`;
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>body{font-family:"Segoe UI",system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;line-height:1.5;color:#242424}
h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:1.6rem}</style></head>
<body><main><h1>${title}</h1>${body}</main></body></html>`;
}
