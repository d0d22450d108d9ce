/**
 * The channel every change to the tables the members' and the console's content is read
 * from is announced on, by the tables' triggers (migration CycleContentChanges): cycles,
 * cycle_appeals, appeal_officials, appeal_templates, case_events, templates, and the shown
 * columns of appeals (title, status, deadline, case_id), cases and officials (name, title,
 * language, salutation, organisation). Its payload is the table's name.
 */
export const CONTENT_CHANGES_CHANNEL = 'qalam_cycle_content';
