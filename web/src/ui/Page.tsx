import { type ReactNode, useEffect, useRef } from 'react';
import { useLocation } from 'react-router';
import { useTexts } from '../i18n/language.js';
import { common } from './texts.js';

/**
 * A screen: its heading, the window's title, and focus on the heading when the screen opens, so a
 * screen reader says where one is and the keyboard starts from the top of the new content.
 */
export const Page = ({ title, intro, actions, children }: { title: string; intro?: ReactNode; actions?: ReactNode; children: ReactNode }) => {
  const t = useTexts(common);
  const heading = useRef<HTMLHeadingElement>(null);
  const location = useLocation();
  useEffect(() => {
    document.title = `${title} – ${t('appName')}`;
  }, [title, t]);
  useEffect(() => {
    heading.current?.focus();
  }, [location.pathname]);
  return (
    <>
      <div className="page-head">
        <h1 ref={heading} tabIndex={-1}>
          {title}
        </h1>
        {actions ? <div className="page-actions">{actions}</div> : null}
      </div>
      {intro ? <div className="intro">{intro}</div> : null}
      {children}
    </>
  );
};
