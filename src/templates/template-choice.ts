/**
 * The one template-choice rule: the template in the reader's language, else the first of the
 * list. For an appeal's letters the list is the appeal's templates in the coordinator's order
 * (`appeal_templates.position`), so the first is the language the coordinator put first.
 */
export function chooseTemplate<T extends { language: string }>(templates: readonly T[], language: string): T | undefined {
  return templates.find((template) => template.language === language) ?? templates[0];
}
