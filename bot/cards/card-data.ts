/** The data each card template binds; one interface per template in ./templates. */

export interface Choice {
  title: string;
  value: string;
}

export interface Fact {
  title: string;
  value: string;
}

export interface WelcomeCardData {
  heading: string;
  intro: string;
  commands: { command: string; description: string }[];
  tabUrl: string;
}

export interface MicroChallengeCardData {
  deliveryId: string;
  title: string;
  task: string;
  /** Label of the optional reflection box: the asset's prompt, or a generic one. */
  reflectionPrompt: string;
  behaviours: string;
  dueLabel: string;
}

/** Talk track and conversation guide share one layout: numbered steps or questions. */
export interface GuideCardData {
  deliveryId: string;
  kindLabel: string;
  title: string;
  hasIntro: boolean;
  intro: string;
  steps: { number: string; text: string }[];
  hasClosing: boolean;
  closing: string;
  behaviours: string;
  dueLabel: string;
}

export interface ObservationChecklistCardData {
  deliveryId: string;
  title: string;
  teamName: string;
  hasInstructions: boolean;
  instructions: string;
  members: {
    name: string;
    noteInputId: string;
    ratings: { inputId: string; label: string; choices: Choice[] }[];
  }[];
}

export interface NudgeCardData {
  deliveryId: string;
  title: string;
  prompt: string;
  styleLabel: string;
  dueLabel: string;
  confidenceChoices: Choice[];
}

export interface SkillsCheckCardData {
  deliveryId: string;
  title: string;
  phaseLabel: string;
  questionCount: number;
  questions: { inputId: string; number: string; text: string; choices: Choice[] }[];
}

/** The state a card turns into after its action: "Done — 12 Nov", "4 observations recorded". */
export interface ConfirmationCardData {
  kindLabel: string;
  title: string;
  headline: string;
  /** Good only for good news (done, recorded); a score or a pause is neither good nor bad. */
  headlineColor: TextColor;
  hasFacts: boolean;
  facts: Fact[];
  hasDetail: boolean;
  detail: string;
}

export interface ErrorCardData {
  title: string;
  message: string;
  hint: string;
}

/** Adaptive Card text colours the templates use for meaning: good news, something to act on, or neither. */
export type TextColor = "Good" | "Attention" | "Warning" | "Accent" | "Default";

export interface DueListItem {
  deliveryId: string;
  title: string;
  kindLabel: string;
  when: string;
  status: string;
  statusColor: TextColor;
  /** Still to do: it can be opened again from the list ("Open the checklist"). */
  canOpen: boolean;
  openTitle: string;
  /** Its action needs no answer (a challenge's Done, a guide's "I used it"), so the list offers it directly. */
  canComplete: boolean;
  completeTitle: string;
}

export interface DueListCardData {
  heading: string;
  hasNotice: boolean;
  notice: string;
  noticeColor: TextColor;
  hasItems: boolean;
  emptyText: string;
  allDone: boolean;
  allDoneText: string;
  items: DueListItem[];
  hasMore: boolean;
  moreText: string;
  tabUrl: string;
}

export interface TeamSummaryCardData {
  heading: string;
  hasTeams: boolean;
  emptyText: string;
  teams: { name: string; adoption: string; observations: string; coverage: string }[];
  tabUrl: string;
}

export interface CardDataByTemplate {
  welcome: WelcomeCardData;
  "micro-challenge": MicroChallengeCardData;
  guide: GuideCardData;
  "observation-checklist": ObservationChecklistCardData;
  nudge: NudgeCardData;
  "skills-check": SkillsCheckCardData;
  confirmation: ConfirmationCardData;
  error: ErrorCardData;
  "due-list": DueListCardData;
  "team-summary": TeamSummaryCardData;
}

export type TemplateName = keyof CardDataByTemplate;
