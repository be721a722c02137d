package io.atrium.server.sip;

import javax.sip.PeerUnavailableException;
import javax.sip.SipFactory;
import javax.sip.address.AddressFactory;
import javax.sip.header.HeaderFactory;
import javax.sip.message.MessageFactory;

/** JAIN-SIP's message, header and address factories (they need no running stack). */
record SipFactories(MessageFactory messages, HeaderFactory headers, AddressFactory addresses) {

    /** Atrium's Contact ({@code sip:atrium@address:port;transport=...}) for a dialog over {@code transport}. */
    javax.sip.header.ContactHeader contact(String address, int port, String transport) throws java.text.ParseException {
        javax.sip.address.SipURI uri = addresses.createSipURI("atrium", address);
        uri.setPort(port);
        uri.setTransportParam(transport);
        return headers.createContactHeader(addresses.createAddress(uri));
    }

    /**
     * The {@code Retry-After} of every 503 Atrium answers (docs/SIP.md, "Restarts"): how long its cause is expected to
     * last. Atrium stopping (a call into a room while the media stops, a call between extensions still ringing): about
     * a restart's time, so that a phone or a proxy retrying it does not find the node still down.
     */
    static final int RETRY_AFTER_STOPPING = 10;
    /**
     * The same when the cluster cannot tell which node runs a room (Redis away): a heartbeat's time, as the HTTP API's
     * 503s in a cluster (docs/SCALING.md).
     */
    static final int RETRY_AFTER_CLUSTER = 2;

    /** {@code 503 Service Unavailable} to {@code request}, with {@code Retry-After: seconds} (one of the above). */
    javax.sip.message.Response unavailable(javax.sip.message.Request request, int seconds)
            throws java.text.ParseException, javax.sip.InvalidArgumentException {
        javax.sip.message.Response busy = messages.createResponse(javax.sip.message.Response.SERVICE_UNAVAILABLE, request);
        busy.addHeader(headers.createRetryAfterHeader(seconds));
        return busy;
    }

    /** {@code Content-Type: application/sdp}. */
    javax.sip.header.ContentTypeHeader sdpType() throws java.text.ParseException {
        return headers.createContentTypeHeader("application", "sdp");
    }

    /**
     * Atrium's own INVITE of a fork to {@code target} (a contact or trunk URI): From
     * {@code fromName <sip:fromNumber@atrium>} with a fresh tag, To {@code toNumber}, Atrium's Via and
     * Contact on the target's transport, the SDP, and {@code X-Atrium-Call-Id: callId}.
     */
    javax.sip.message.Request outboundInvite(io.atrium.server.config.AtriumConfig.Sip config, javax.sip.SipProvider provider,
                                             String callId, String fromName, String fromNumber, String toNumber, String target,
                                             byte[] sdp) throws java.text.ParseException, javax.sip.InvalidArgumentException {
        javax.sip.address.SipURI uri = (javax.sip.address.SipURI) addresses.createURI(target);
        String transport = uri.getTransportParam() == null ? javax.sip.ListeningPoint.UDP
                : uri.getTransportParam().toLowerCase(java.util.Locale.ROOT);
        javax.sip.address.Address from = addresses.createAddress(addresses.createSipURI(fromNumber, config.publicAddress()));
        if (fromName != null && !fromName.isBlank()) {
            from.setDisplayName(fromName);
        }
        javax.sip.message.Request invite = messages.createRequest(uri, javax.sip.message.Request.INVITE, provider.getNewCallId(),
                headers.createCSeqHeader(1L, javax.sip.message.Request.INVITE),
                headers.createFromHeader(from, Long.toHexString(Double.doubleToLongBits(Math.random()))),
                headers.createToHeader(addresses.createAddress(addresses.createSipURI(toNumber, config.publicAddress())), null),
                java.util.List.of(headers.createViaHeader(config.publicAddress(), config.port(), transport, null)),
                headers.createMaxForwardsHeader(70), sdpType(), sdp);
        invite.addHeader(contact(config.publicAddress(), config.port(), transport));
        invite.addHeader(headers.createHeader(B2bua.CALL_ID_HEADER, callId));
        return invite;
    }

    static SipFactories create() {
        SipFactory f = SipFactory.getInstance();
        f.setPathName("gov.nist");
        try {
            return new SipFactories(f.createMessageFactory(), f.createHeaderFactory(), f.createAddressFactory());
        } catch (PeerUnavailableException e) {
            throw new IllegalStateException("JAIN-SIP RI missing from the class path", e);
        }
    }
}
