import { type ReactNode, useLayoutEffect, useRef, useState } from 'react';

/**
 * A table's frame, which scrolls sideways when the table is wider than the screen. Only then is it
 * a named region in the tab order, so a keyboard can scroll it (WCAG 2.1.1); a table that fits
 * adds no tab stop.
 */
export const TableWrap = ({ label, children }: { label: string; children: ReactNode }) => {
  const frame = useRef<HTMLDivElement>(null);
  const [scrolls, setScrolls] = useState(false);
  useLayoutEffect(() => {
    const element = frame.current;
    if (!element) return;
    const measure = () => setScrolls(element.scrollWidth > element.clientWidth + 1);
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    if (element.firstElementChild) observer.observe(element.firstElementChild);
    return () => observer.disconnect();
  }, []);
  return (
    <div ref={frame} className="table-wrap" {...(scrolls ? { tabIndex: 0, role: 'region', 'aria-label': label } : {})}>
      {children}
    </div>
  );
};
