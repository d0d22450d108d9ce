/** Staff and members, in ascending power: an admin can do all a coordinator can, a coordinator all a member can. */
export const ROLES = ['member', 'coordinator', 'admin'] as const;
export type Role = (typeof ROLES)[number];
