package io.atrium.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.Page;
import io.atrium.server.config.AtriumConfig;
import io.atrium.server.config.ConfigException;
import io.atrium.server.testing.Chromium;
import io.atrium.server.testing.Ports;
import io.atrium.server.testing.SdkScripts;
import io.atrium.server.testing.TestServer;
import io.atrium.server.testing.TestServer.Db;
import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * HTTPS and WSS served directly from PEM files: a self-signed certificate made by the test, a
 * Chromium that ignores certificate errors joins a meeting over WSS and decodes the other member;
 * the plain redirect port answers 301 to HTTPS; a renewed certificate is picked up without a
 * restart; unusable files stop the start with a clear message.
 */
@ResourceLock(Chromium.LOCK)
class TlsBrowserTest {

    @Test
    void meetingOverWssRedirectAndCertificateReload() throws Exception {
        Path dir = Files.createTempDirectory("atrium-tls-");
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        writeSelfSigned(cert, key, "atrium-first");
        int https = Ports.free();
        int redirect = Ports.free();
        AtriumConfig c = TestServer.config(Db.H2, dir.resolve("data"));
        AtriumConfig.Http http = new AtriumConfig.Http("127.0.0.1", https, 65_536L, 5,
                new AtriumConfig.Tls(cert.toString(), key.toString(), redirect), null, null, null);
        try (TestServer server = TestServer.start(c.withHttp(http))) {
            HttpClient client = HttpClient.newBuilder().sslContext(trustAll()).build();
            HttpResponse<String> health = client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + https + "/healthz")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).contains("ok");

            HttpResponse<String> moved = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + redirect + "/room.html?room=x")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(moved.statusCode()).isEqualTo(301);
            assertThat(moved.headers().firstValue("Location")).hasValue("https://127.0.0.1:" + https + "/room.html?room=x");

            String room = client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + https + "/v1/rooms"))
                    .header("Authorization", TestServer.BASIC).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"room\":{\"name\":\"tls\",\"open\":true}}")).build(),
                    HttpResponse.BodyHandlers.ofString()).body().replaceAll(".*\"uuid\":\"([^\"]+)\".*", "$1");
            try (Page ann = page(https, "ann"); Page bob = page(https, "bob")) {
                ann.evaluate(SdkScripts.JOIN, List.of(room, "Ann", "all"));
                bob.evaluate(SdkScripts.JOIN, List.of(room, "Bob", "all"));
                for (Page p : List.of(ann, bob)) {
                    assertThat(p.evaluate("client.url")).isEqualTo("wss://127.0.0.1:" + https + "/v1/rtc");
                    Chromium.waitFor(p, SdkScripts.DECODES_OTHER);
                }
            }

            assertThat(presentedSubject(https)).contains("CN=atrium-first");
            writeSelfSigned(cert, key, "atrium-renewed");
            Instant deadline = Instant.now().plusSeconds(30);
            while (!presentedSubject(https).contains("CN=atrium-renewed")) {
                assertThat(Instant.now()).as("the renewed certificate is served").isBefore(deadline);
                Thread.sleep(200);
            }
        }
    }

    @Test
    void unusableCertificateFilesStopTheStart() throws Exception {
        Path dir = Files.createTempDirectory("atrium-tls-");
        Path cert = dir.resolve("cert.pem");
        Files.writeString(cert, "not a certificate");
        AtriumConfig c = TestServer.config(Db.H2, dir.resolve("data"));
        AtriumConfig.Http http = new AtriumConfig.Http("127.0.0.1", 0, 65_536L, 5,
                new AtriumConfig.Tls(cert.toString(), dir.resolve("missing.pem").toString(), 0), null, null, null);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TestServer.start(c.withHttp(http)).close())
                .isInstanceOf(ConfigException.class).hasMessageContaining("http.tls").hasMessageContaining("cert.pem");
    }

    private static Page page(int port, String label) {
        Page page = Chromium.newPage(label, new Browser.NewContextOptions().setIgnoreHTTPSErrors(true));
        page.navigate("https://127.0.0.1:" + port + "/healthz");
        return page;
    }

    /** The subject of the certificate a fresh TLS handshake gets. */
    private static String presentedSubject(int port) throws Exception {
        try (SSLSocket s = (SSLSocket) trustAll().getSocketFactory().createSocket("127.0.0.1", port)) {
            s.startHandshake();
            return ((X509Certificate) s.getSession().getPeerCertificates()[0]).getSubjectX500Principal().getName();
        }
    }

    /** A fresh EC key and a self-signed certificate for 127.0.0.1, as PEM files (the key in PKCS#8). */
    static void writeSelfSigned(Path cert, Path key, String cn) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(256);
        KeyPair pair = g.generateKeyPair();
        X500Name name = new X500Name("CN=" + cn);
        Instant now = Instant.now();
        var builder = new JcaX509v3CertificateBuilder(name, new BigInteger(64, new SecureRandom()),
                Date.from(now.minusSeconds(60)), Date.from(now.plus(Duration.ofDays(1))), name, pair.getPublic());
        builder.addExtension(org.bouncycastle.asn1.x509.Extension.subjectAlternativeName, false,
                new org.bouncycastle.asn1.x509.GeneralNames(new org.bouncycastle.asn1.x509.GeneralName(
                        org.bouncycastle.asn1.x509.GeneralName.iPAddress, "127.0.0.1")));
        X509Certificate x509 = new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
        Path tmpKey = key.resolveSibling(key.getFileName() + ".tmp");
        Path tmpCert = cert.resolveSibling(cert.getFileName() + ".tmp");
        Files.writeString(tmpKey, pem(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(pair.getPrivate(), null).generate()));
        Files.writeString(tmpCert, pem(x509));
        Files.move(tmpKey, key, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        Files.move(tmpCert, cert, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private static String pem(Object o) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            w.writeObject(o);
        }
        return out.toString();
    }

    static SSLContext trustAll() throws Exception {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new TrustManager[] {new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, new SecureRandom());
        return ctx;
    }
}
