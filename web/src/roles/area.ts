import type { RouteObject } from 'react-router';
import type { Role } from '../auth/session.js';

/**
 * One role's part of the app: where it lives, its menu, and its screens. Each role's folder exports
 * one (`roles/<role>/area.tsx`); `app/routes.tsx` puts them together. The first menu entry is the
 * role's start page.
 */
export interface MenuEntry {
  /** Relative to the area's base. */
  readonly path: string;
  readonly sv: string;
  readonly en: string;
}

export interface RoleArea {
  /** The roles this area is for. */
  readonly roles: readonly Role[];
  /** `/kommun`, `/lager`, …: Swedish paths, because the people who bookmark them read Swedish. */
  readonly base: string;
  readonly menu: readonly MenuEntry[];
  /** Relative to base. */
  readonly routes: RouteObject[];
}
