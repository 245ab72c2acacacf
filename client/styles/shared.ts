// The shared element stylesheet as a Lit CSSResult, parsed once and adopted by every page.
import { unsafeCSS } from 'lit';
import sharedText from './shared.css';

export const sharedStyles = unsafeCSS(sharedText);
