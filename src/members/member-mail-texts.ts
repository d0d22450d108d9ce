/**
 * The few words of member mail that are not a coordinator's template: the unsubscribe
 * footer every member email carries, the reminder's subject prefix and the signup
 * confirmation. English is the fallback for a language not listed here.
 */
interface MemberMailTexts {
  footer(org: string, unsubscribeUrl: string): string;
  reminderPrefix: string;
  confirmation(org: string, confirmUrl: string): { subject: string; body: string };
}

const TEXTS: Record<string, MemberMailTexts> = {
  en: {
    footer: (org, url) => `--\nYou receive this email as a member of the ${org} letter-writing group.\nTo stop receiving these emails, unsubscribe here: ${url}`,
    reminderPrefix: 'Reminder: ',
    confirmation: (org, url) => ({
      subject: `Confirm that you want to join ${org}`,
      body: [
        'Hello,',
        '',
        `Someone, most likely you, asked to join the ${org} letter-writing group with this email address. To confirm, open this link:`,
        '',
        url,
        '',
        'Until you confirm, no letter goes out in your name and we send you nothing else. If this was not you, ignore this email.',
      ].join('\n'),
    }),
  },
  ru: {
    footer: (org, url) => `--\nВы получили это письмо как участник группы ${org}, которая пишет письма в защиту узников совести.\nЧтобы больше не получать такие письма, отпишитесь здесь: ${url}`,
    reminderPrefix: 'Напоминание: ',
    confirmation: (org, url) => ({
      subject: `Подтвердите, что хотите присоединиться к ${org}`,
      body: [
        'Здравствуйте!',
        '',
        `Кто-то, скорее всего вы, попросил добавить этот адрес в группу ${org}, которая пишет письма в защиту узников совести. Чтобы подтвердить, откройте ссылку:`,
        '',
        url,
        '',
        'Пока вы не подтвердите, ни одно письмо не уйдёт от вашего имени и мы больше ничего вам не пришлём. Если это были не вы, просто не отвечайте на это письмо.',
      ].join('\n'),
    }),
  },
};

export function memberMailTexts(language: string): MemberMailTexts {
  return TEXTS[language] ?? TEXTS.en;
}
