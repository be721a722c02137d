package io.atrium.server.http;

import java.util.Map;

/**
 * The security headers of the web app's files (docs/SECURITY.md, finding 10): a Content Security
 * Policy that runs only the app's own scripts, connects only to this server (its WebSocket included),
 * and lets no other site frame the pages ({@code frame-ancestors 'self'}, clickjacking); no MIME
 * sniffing; no referrer. Media may come from anywhere a shared video's URL points.
 */
final class WebPageHeaders {

    static final String CSP = String.join("; ",
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data: blob:",
            "media-src 'self' blob: https: http:",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'self'");

    static final Map<String, String> HEADERS = Map.of(
            "Content-Security-Policy", CSP,
            "X-Content-Type-Options", "nosniff",
            "Referrer-Policy", "no-referrer");

    private WebPageHeaders() {
    }
}
