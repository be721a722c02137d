package io.atrium.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.atrium.server.testing.TestServer;
import io.atrium.server.testing.TestServer.Db;
import io.atrium.server.testing.TestServer.Response;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/** Contract 002's rooms REST API against a real server, on H2 and on PostgreSQL. */
@ParameterizedClass
@EnumSource(Db.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RoomsApiTest {

    @Parameter
    Db db;

    TestServer server;
    String alice;
    String bob;

    @BeforeParameterizedClassInvocation
    void start() {
        server = TestServer.start(db);
        alice = server.createUser("alice");
        bob = server.createUser("bob");
    }

    @AfterParameterizedClassInvocation
    void stop() {
        server.close();
    }

    String roomBody(String name, String members) {
        return """
                {"room": {"name": "%s", "password": "password", "open": false, "force_password": true,
                          "force_waiting_room": false, "members": %s}}""".formatted(name, members);
    }

    String members() {
        return """
                [{"user_id": "%s", "admin": true}, {"user_id": "%s", "admin": false}]""".formatted(alice, bob);
    }

    JsonNode create(String name) {
        Response r = server.post("/v1/rooms", roomBody(name, members()));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().get("room");
    }

    @Test
    void createReturnsTheStoredRoomWithoutPassword() {
        JsonNode room = create("test room 123");
        assertThat(room.get("name").asText()).isEqualTo("test room 123");
        assertThat(UUID.fromString(room.get("uuid").asText())).isNotNull();
        assertThat(room.get("open").asBoolean()).isFalse();
        assertThat(room.get("force_password").asBoolean()).isTrue();
        assertThat(room.get("force_waiting_room").asBoolean()).isFalse();
        assertThat(room.get("has_password").asBoolean()).isTrue();
        assertThat(room.has("password")).isFalse();
        assertThat(room.toString()).doesNotContain("argon2").doesNotContain("\"password\"");
        assertThat(room.get("members")).hasSize(2);
        assertThat(room.at("/members/0/user_id").asText()).isEqualTo(alice);
        assertThat(room.at("/members/0/admin").asBoolean()).isTrue();
        assertThat(room.at("/members/1/user_id").asText()).isEqualTo(bob);
        assertThat(room.at("/members/1/admin").asBoolean()).isFalse();
        assertThat(room.at("/members/0/uuid").asText()).isNotEqualTo(room.at("/members/1/uuid").asText());
    }

    @Test
    void passwordIsStoredAsArgon2idHash() throws Exception {
        String uuid = create("hashed").get("uuid").asText();
        String stored = server.server().database().jdbc().inTransaction(tx -> tx.queryOne(
                "select password_hash from rooms where uuid = ?", rs -> rs.getString(1), UUID.fromString(uuid))).orElseThrow();
        assertThat(stored).startsWith("$argon2id$v=19$").doesNotContain("password");
    }

    @Test
    void getListAndMembers() {
        String uuid = create("listed").get("uuid").asText();
        Response one = server.get("/v1/rooms/" + uuid);
        assertThat(one.status()).isEqualTo(200);
        assertThat(one.json().at("/room/name").asText()).isEqualTo("listed");

        Response all = server.get("/v1/rooms");
        assertThat(all.status()).isEqualTo(200);
        List<String> ids = all.json().get("rooms").findValuesAsText("uuid");
        assertThat(ids).contains(uuid);

        Response members = server.get("/v1/rooms/" + uuid + "/members");
        assertThat(members.status()).isEqualTo(200);
        JsonNode list = members.json().get("members");
        assertThat(list).hasSize(2);
        assertThat(list.get(0).get("user_id").asText()).isEqualTo(alice);
        assertThat(list.get(0).get("username").asText()).isEqualTo("alice");
        assertThat(list.get(0).get("display_name").asText()).isEqualTo("alice display");
        assertThat(list.get(0).get("admin").asBoolean()).isTrue();
    }

    @Test
    void updateReplacesFieldsAndMembersAndKeepsAbsentPassword() {
        String uuid = create("before").get("uuid").asText();
        Response r = server.put("/v1/rooms/" + uuid, """
                {"room": {"name": "after", "open": true, "force_password": false, "force_waiting_room": true,
                          "members": [{"user_id": "%s", "admin": true}]}}""".formatted(bob));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode room = r.json().get("room");
        assertThat(room.get("name").asText()).isEqualTo("after");
        assertThat(room.get("open").asBoolean()).isTrue();
        assertThat(room.get("force_waiting_room").asBoolean()).isTrue();
        assertThat(room.get("has_password").asBoolean()).isTrue();
        assertThat(room.get("members")).hasSize(1);
        assertThat(room.at("/members/0/user_id").asText()).isEqualTo(bob);
        assertThat(server.get("/v1/rooms/" + uuid).json().at("/room/name").asText()).isEqualTo("after");

        Response cleared = server.put("/v1/rooms/" + uuid, "{\"room\": {\"name\": \"after\", \"password\": null}}");
        assertThat(cleared.status()).isEqualTo(200);
        assertThat(cleared.json().at("/room/has_password").asBoolean()).isFalse();
        assertThat(cleared.json().at("/room/members")).isEmpty();
    }

    @Test
    void slugsAreMadeFromTheNameUniqueAndResolveWithoutCredentials() {
        JsonNode first = create("Team Stand-up!");
        assertThat(first.get("slug").asText()).isEqualTo("team-stand-up");
        JsonNode second = create("Team stand up");
        assertThat(second.get("slug").asText()).matches("team-stand-up-[0-9]{4}");

        String wanted = "{\"room\": {\"name\": \"Daily\", \"slug\": \"daily-" + db.name().toLowerCase() + "\"}}";
        Response made = server.post("/v1/rooms", wanted);
        assertThat(made.status()).as(made.body()).isEqualTo(201);
        String uuid = made.json().at("/room/uuid").asText();
        Response taken = server.post("/v1/rooms", wanted);
        assertThat(taken.status()).isEqualTo(409);
        assertThat(taken.json().at("/error/code").asText()).isEqualTo("slug_taken");
        for (String bad : List.of("Daily", "a--b", "-a", "550e8400-e29b-41d4-a716-446655440000", "a b")) {
            Response r = server.post("/v1/rooms", "{\"room\": {\"name\": \"x\", \"slug\": \"" + bad + "\"}}");
            assertThat(r.status()).as(bad).isEqualTo(400);
            assertThat(r.json().at("/error/field").asText()).isEqualTo("room.slug");
        }
        Response renamed = server.put("/v1/rooms/" + uuid, "{\"room\": {\"name\": \"x\", \"slug\": \"other\"}}");
        assertThat(renamed.status()).isEqualTo(400);

        // the link names the room by slug or uuid, for anyone (no Authorization)
        for (String ref : List.of("daily-" + db.name().toLowerCase(), uuid)) {
            Response info = server.send("GET", "/r/" + ref + "/info", null, null);
            assertThat(info.status()).as(info.body()).isEqualTo(200);
            assertThat(info.json().at("/room/uuid").asText()).isEqualTo(uuid);
            assertThat(info.json().at("/room/name").asText()).isEqualTo("Daily");
            assertThat(info.json().at("/room").size()).isEqualTo(3); // uuid, slug, name: nothing else
        }
        Response page = server.send("GET", "/r/daily-" + db.name().toLowerCase(), null, null);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("<script type=\"module\" src=\"/room.js\">");
        assertThat(server.send("GET", "/r/nobody-here/info", null, null).status()).isEqualTo(404);

        // deleted: the slug stays taken, the link says not found
        assertThat(server.delete("/v1/rooms/" + uuid).status()).isEqualTo(204);
        assertThat(server.send("GET", "/r/" + uuid + "/info", null, null).status()).isEqualTo(404);
        assertThat(server.post("/v1/rooms", wanted).status()).isEqualTo(409);
    }

    @Test
    void endStopsTheMeetingAndKeepsTheRoom() {
        String uuid = create("ended").get("uuid").asText();
        assertThat(server.post("/v1/rooms/" + uuid + "/end", "").status()).isEqualTo(204);
        assertThat(server.get("/v1/rooms/" + uuid).status()).isEqualTo(200);
        assertThat(server.post("/v1/rooms/" + UUID.randomUUID() + "/end", "").status()).isEqualTo(404);
        assertThat(server.send("POST", "/v1/rooms/" + uuid + "/end", "", null).status()).isEqualTo(401);
    }

    @Test
    void deleteIsSoftAndThenNotFound() throws Exception {
        String uuid = create("doomed").get("uuid").asText();
        assertThat(server.delete("/v1/rooms/" + uuid).status()).isEqualTo(204);
        for (String path : List.of("/v1/rooms/" + uuid, "/v1/rooms/" + uuid + "/members")) {
            Response r = server.get(path);
            assertThat(r.status()).isEqualTo(404);
            assertThat(r.json().at("/error/code").asText()).isEqualTo("not_found");
        }
        assertThat(server.put("/v1/rooms/" + uuid, roomBody("x", "[]")).status()).isEqualTo(404);
        assertThat(server.delete("/v1/rooms/" + uuid).status()).isEqualTo(404);
        assertThat(server.get("/v1/rooms").json().get("rooms").findValuesAsText("uuid")).doesNotContain(uuid);
        boolean rowKept = server.server().database().jdbc().inTransaction(tx ->
                tx.exists("select 1 from rooms where uuid = ? and deleted_at is not null", UUID.fromString(uuid)));
        assertThat(rowKept).isTrue();
    }

    @Test
    void unknownRoomIs404() {
        String missing = UUID.randomUUID().toString();
        assertThat(server.get("/v1/rooms/" + missing).status()).isEqualTo(404);
        assertThat(server.get("/v1/rooms/" + missing + "/members").status()).isEqualTo(404);
        assertThat(server.delete("/v1/rooms/" + missing).status()).isEqualTo(404);
        assertThat(server.put("/v1/rooms/" + missing, roomBody("x", "[]")).status()).isEqualTo(404);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            not json                  | {room:                                                  | invalid_json  |
            array body                | []                                                      | invalid_json  |
            empty body                | ''                                                      | invalid_json  |
            trailing garbage          | {"room":{"name":"a"}} x                                 | invalid_json  |
            duplicate key             | {"room":{"name":"a","name":"b"}}                        | invalid_json  |
            missing room              | {}                                                      | invalid_field | room
            room not object           | {"room":"x"}                                            | invalid_field | room
            missing name              | {"room":{"open":true}}                                  | invalid_field | room.name
            empty name                | {"room":{"name":"  "}}                                  | invalid_field | room.name
            name wrong type           | {"room":{"name":123}}                                   | invalid_field | room.name
            open wrong type           | {"room":{"name":"a","open":"yes"}}                      | invalid_field | room.open
            force_password wrong type | {"room":{"name":"a","force_password":1}}                | invalid_field | room.force_password
            waiting wrong type        | {"room":{"name":"a","force_waiting_room":[]}}           | invalid_field | room.force_waiting_room
            password wrong type       | {"room":{"name":"a","password":42}}                     | invalid_field | room.password
            members not array         | {"room":{"name":"a","members":{}}}                      | invalid_field | room.members
            member not object         | {"room":{"name":"a","members":[1]}}                     | invalid_field | room.members[0]
            member without user_id    | {"room":{"name":"a","members":[{"admin":true}]}}        | invalid_field | room.members[0].user_id
            malformed member uuid     | {"room":{"name":"a","members":[{"user_id":"nope"}]}}    | invalid_field | room.members[0].user_id
            admin wrong type          | {"room":{"name":"a","members":[{"user_id":"02ba016d-b3c2-47d2-a0e2-e814f9daa822","admin":"no"}]}} | invalid_field | room.members[0].admin
            unknown member user       | {"room":{"name":"a","members":[{"user_id":"02ba016d-b3c2-47d2-a0e2-e814f9daa822"}]}} | invalid_field | room.members[0].user_id
            unknown field             | {"room":{"name":"a","colour":"red"}}                    | invalid_field | room.colour
            unknown top-level field   | {"room":{"name":"a"},"x":1}                             | invalid_field | x
            """)
    void badInputIs400NamingTheFieldAndWritesNothing(String label, String body, String code, String field) throws Exception {
        int before = roomCount();
        Response r = server.post("/v1/rooms", body);
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.json().at("/error/code").asText()).isEqualTo(code);
        assertThat(r.json().at("/error/message").asText()).isNotBlank();
        if (field != null) {
            assertThat(r.json().at("/error/field").asText()).isEqualTo(field);
        }
        assertThat(roomCount()).isEqualTo(before);
    }

    @Test
    void unknownSecondMemberRollsBackTheWholeCreate() throws Exception {
        int before = roomCount();
        Response r = server.post("/v1/rooms", roomBody("half", """
                [{"user_id": "%s", "admin": true}, {"user_id": "%s"}]""".formatted(alice, UUID.randomUUID())));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().at("/error/field").asText()).isEqualTo("room.members[1].user_id");
        assertThat(roomCount()).isEqualTo(before);
        int members = server.server().database().jdbc().inTransaction(tx -> tx.query("select 1 from room_members", rs -> 1).size());
        assertThat(members).isEqualTo(server.server().database().jdbc().inTransaction(tx ->
                tx.query("select 1 from room_members m join rooms r on r.uuid = m.room_uuid", rs -> 1).size()));
    }

    @Test
    void duplicateMemberIsRefused() {
        Response r = server.post("/v1/rooms", roomBody("dup", """
                [{"user_id": "%s"}, {"user_id": "%s"}]""".formatted(alice, alice)));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().at("/error/field").asText()).isEqualTo("room.members[1].user_id");
    }

    @Test
    void failedUpdateLeavesTheRoomAsItWas() {
        String uuid = create("stable").get("uuid").asText();
        Response r = server.put("/v1/rooms/" + uuid, roomBody("changed", """
                [{"user_id": "%s"}]""".formatted(UUID.randomUUID())));
        assertThat(r.status()).isEqualTo(400);
        JsonNode room = server.get("/v1/rooms/" + uuid).json().get("room");
        assertThat(room.get("name").asText()).isEqualTo("stable");
        assertThat(room.get("members")).hasSize(2);
    }

    @Test
    void malformedUuidInPathIs400() {
        for (String path : List.of("/v1/rooms/not-a-uuid", "/v1/rooms/123/members")) {
            Response r = server.get(path);
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.json().at("/error/field").asText()).isEqualTo("uuid");
        }
        assertThat(server.put("/v1/rooms/zzz", roomBody("x", "[]")).status()).isEqualTo(400);
        assertThat(server.delete("/v1/rooms/zzz").status()).isEqualTo(400);
    }

    @Test
    void oversizeBodyIs413AndWritesNothing() throws Exception {
        int before = roomCount();
        String huge = roomBody("x".repeat(100), "[]").replace("\"password\"", "\"pad\": \"" + "y".repeat(70_000) + "\", \"password\"");
        Response r = server.post("/v1/rooms", huge);
        assertThat(r.status()).isEqualTo(413);
        assertThat(r.json().at("/error/code").asText()).isEqualTo("body_too_large");
        assertThat(roomCount()).isEqualTo(before);
    }

    @Test
    void roomSurvivesARestart() {
        String uuid = create("durable").get("uuid").asText();
        server.restart();
        Response r = server.get("/v1/rooms/" + uuid);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().at("/room/name").asText()).isEqualTo("durable");
        assertThat(r.json().at("/room/members")).hasSize(2);
    }

    private int roomCount() throws Exception {
        return server.server().database().jdbc().inTransaction(tx -> tx.query("select 1 from rooms", rs -> 1).size());
    }
}
