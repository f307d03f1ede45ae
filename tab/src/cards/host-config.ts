import { type Theme, teamsDarkTheme, teamsHighContrastTheme, teamsLightTheme } from "@fluentui/react-components";
import type { ThemeName } from "../host.js";

/**
 * The Adaptive Cards host config for each Teams theme, built from Teams' own Fluent theme tokens, so a card
 * in the tab takes the colours, font and spacing it has in the Teams chat.
 */
export function hostConfigFor(theme: Theme): Record<string, unknown> {
  const colors = {
    default: { default: theme.colorNeutralForeground1, subtle: theme.colorNeutralForeground2 },
    dark: { default: theme.colorNeutralForeground1, subtle: theme.colorNeutralForeground2 },
    light: { default: theme.colorNeutralForeground1, subtle: theme.colorNeutralForeground2 },
    accent: { default: theme.colorBrandForeground1, subtle: theme.colorBrandForeground1 },
    good: { default: theme.colorStatusSuccessForeground1, subtle: theme.colorStatusSuccessForeground1 },
    warning: { default: theme.colorStatusWarningForeground1, subtle: theme.colorStatusWarningForeground1 },
    attention: { default: theme.colorStatusDangerForeground1, subtle: theme.colorStatusDangerForeground1 },
  };
  const sizes = { small: 12, default: 14, medium: 14, large: 18, extraLarge: 24 };
  const weights = { lighter: 200, default: 400, bolder: 600 };
  return {
    supportsInteractivity: true,
    fontTypes: {
      default: { fontFamily: theme.fontFamilyBase, fontSizes: sizes, fontWeights: weights },
      monospace: { fontFamily: theme.fontFamilyMonospace, fontSizes: sizes, fontWeights: weights },
    },
    spacing: { small: 8, default: 12, medium: 16, large: 20, extraLarge: 24, padding: 16 },
    separator: { lineThickness: 1, lineColor: theme.colorNeutralStroke2 },
    containerStyles: {
      default: { backgroundColor: theme.colorNeutralBackground1, foregroundColors: colors },
      emphasis: { backgroundColor: theme.colorNeutralBackground3, foregroundColors: colors },
    },
    actions: {
      maxActions: 6,
      spacing: "Default",
      buttonSpacing: 8,
      actionsOrientation: "Horizontal",
      actionAlignment: "Left",
      showCard: { actionMode: "Inline", inlineTopMargin: 16, style: "emphasis" },
    },
    factSet: {
      title: { weight: "Bolder", wrap: true },
      value: { wrap: true },
      spacing: 16,
    },
  };
}

export const teamsThemes: Record<ThemeName, Theme> = {
  default: teamsLightTheme,
  dark: teamsDarkTheme,
  contrast: teamsHighContrastTheme,
};
