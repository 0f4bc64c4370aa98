/** The ibloop mark: a loop drawn as a rising wave. */
export function Logo({ size = 28 }: { size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 32 32" aria-hidden="true" className="app-logo">
      <rect width="32" height="32" rx="7" fill="#2f6bff" />
      <path
        d="M7 21c3-9 6-9 8.5-3.5S21 24 25 12"
        fill="none"
        stroke="#fff"
        strokeWidth="2.6"
        strokeLinecap="round"
      />
      <circle cx="25" cy="12" r="2" fill="#9fe3c1" />
    </svg>
  );
}
