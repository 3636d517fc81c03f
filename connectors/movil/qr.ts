// What the QR code of a login request carries: the https address from which the app fetches the
// request (GET, a signed call). It names both the broker and the request id, so an app that serves
// several brokers knows where to ask, and it is nothing a stranger can use: fetching needs a
// device key, and the first device to fetch binds the request to its person.
import QRCode from 'qrcode';

export function loginRequestUrl(publicUrl: string, requestId: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/connectors/movil/app/requests/${requestId}`;
}

/** the request id in such an address, or undefined (the simulator reads scanned text with it) */
export function requestIdOfUrl(text: string): string | undefined {
  return /\/connectors\/movil\/app\/requests\/([A-Za-z0-9_-]{32})$/.exec(text.trim())?.[1];
}

/**
 * Inline SVG (a background rect and one path, nothing from the text itself), so the page needs no
 * image source beyond its own markup under the CSP. It has a viewBox only: CSS sizes it.
 */
export function qrSvg(text: string): Promise<string> {
  return QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 4 });
}
