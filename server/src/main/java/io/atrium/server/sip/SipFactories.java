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

    /** {@code Content-Type: application/sdp}. */
    javax.sip.header.ContentTypeHeader sdpType() throws java.text.ParseException {
        return headers.createContentTypeHeader("application", "sdp");
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
