package io.atrium.server.sfu;

/**
 * A snapshot of the live media across all rooms, taken on the media thread for the metrics
 * endpoint: how many tracks are published and forwarded, and the mean reception quality — loss
 * seen by Atrium on published streams and reported by subscribers, round-trip time to subscribers,
 * and interarrival jitter of published streams (RFC 3550 §6.4.1).
 */
public record MediaQuality(int tracksPublished, int tracksSubscribed, double publishLoss, double subscribeLoss,
                           double rttSeconds, double jitterSeconds) {

    /** Sums over the routers, then means. Media thread. */
    static final class Builder {
        int published;
        int subscribed;
        double publishLoss;
        int layers;
        double jitter;
        double subscribeLoss;
        int subscribers;
        double rtt;
        int rtts;

        void layer(Layer l, int clockRate) {
            if (!l.ssrcKnown) {
                return;
            }
            layers++;
            publishLoss += l.lastFractionLost / 256.0;
            jitter += clockRate > 0 ? l.jitter / clockRate : 0;
        }

        void subscriber(Subscriber s) {
            subscribers++;
            subscribed += s.forwarders().size();
            subscribeLoss += s.fractionLost / 256.0;
            if (s.rttMillis >= 0) {
                rtts++;
                rtt += s.rttMillis / 1000.0;
            }
        }

        MediaQuality build() {
            return new MediaQuality(published, subscribed, layers == 0 ? 0 : publishLoss / layers,
                    subscribers == 0 ? 0 : subscribeLoss / subscribers, rtts == 0 ? 0 : rtt / rtts,
                    layers == 0 ? 0 : jitter / layers);
        }
    }
}
