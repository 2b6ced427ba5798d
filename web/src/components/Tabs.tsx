import type { ReactNode } from 'react';

/** A tab list with arrow-key movement (WAI-ARIA tabs); the panel shows the selected tab. */
export function Tabs<T extends string>(props: {
    label: string;
    tabs: readonly T[];
    selected: T;
    onSelect: (tab: T) => void;
    children: ReactNode;
}) {
    const { label, tabs, selected, onSelect } = props;
    const idOf = (t: string) => `tab-${t.replace(/\W+/g, '-')}`;
    return (
        <>
            <div role="tablist" aria-label={label} className="tabs">
                {tabs.map((t) => (
                    <button
                        key={t}
                        role="tab"
                        type="button"
                        aria-selected={selected === t}
                        id={idOf(t)}
                        aria-controls="tab-panel"
                        tabIndex={selected === t ? 0 : -1}
                        onClick={() => onSelect(t)}
                        onKeyDown={(e) => {
                            const i = tabs.indexOf(t);
                            const next =
                                e.key === 'ArrowRight'
                                    ? tabs[(i + 1) % tabs.length]
                                    : e.key === 'ArrowLeft'
                                      ? tabs[(i + tabs.length - 1) % tabs.length]
                                      : undefined;
                            if (next) {
                                onSelect(next);
                                document.getElementById(idOf(next))?.focus();
                            }
                        }}
                    >
                        {t}
                    </button>
                ))}
            </div>
            <div role="tabpanel" id="tab-panel" aria-labelledby={idOf(selected)}>
                {props.children}
            </div>
        </>
    );
}
