import { Link, type LinkProps } from 'react-router';

/** A link that leads to a form, looking like the button it acts as (each role's stylesheet draws `.button-link`). */
export const ButtonLink = ({ primary, className, ...props }: LinkProps & { primary?: boolean }) => (
  <Link {...props} className={`button-link${primary ? ' primary' : ''}${className ? ` ${className}` : ''}`} />
);
