package io.atrium.server.sip;

import javax.sip.PeerUnavailableException;
import javax.sip.SipFactory;
import javax.sip.address.AddressFactory;
import javax.sip.header.HeaderFactory;
import javax.sip.message.MessageFactory;

/** JAIN-SIP's message, header and address factories (they need no running stack). */
record SipFactories(MessageFactory messages, HeaderFactory headers, AddressFactory addresses) {

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
