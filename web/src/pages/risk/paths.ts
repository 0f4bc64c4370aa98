/** The risk panel lives under Live Trading (the side menu's entries are fixed). */
export const RISK_PATH = '/live/risk';
