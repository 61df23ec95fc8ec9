#include <doctest/doctest.h>

#include <string>

#include "protocol/command_parser.hpp"
#include "protocol/sdp.hpp"
#include "protocol/words.hpp"

using namespace mixmatrix::protocol;

namespace {
std::string why_not(const std::string& text) {
  const auto s = parse_sdp(text);
  REQUIRE_FALSE(s);
  CHECK(s.error().code == code::bad_request);
  return s.error().text;
}
}  // namespace

TEST_CASE("sdp: an AES67 description from a Dante-style sender, CRLF lines, session-level clock") {
  const std::string text =
      "v=0\r\n"
      "o=- 1311738121 1311738122 IN IP4 192.168.1.10\r\n"
      "s=Stage box 1\r\n"
      "c=IN IP4 239.69.83.171/32\r\n"
      "t=0 0\r\n"
      "a=ts-refclk:ptp=IEEE1588-2008:00-1D-C1-FF-FE-12-34-56:0\r\n"
      "m=audio 5004 RTP/AVP 97\r\n"
      "i=Channels 1-2\r\n"
      "a=rtpmap:97 L24/48000/2\r\n"
      "a=ptime:0.125\r\n"
      "a=mediaclk:direct=963214424\r\n"
      "a=recvonly\r\n";
  const auto parsed = parse_sdp(text);
  REQUIRE_MESSAGE(parsed, (parsed ? "" : parsed.error().text));
  const auto& s = parsed.value();
  CHECK(s.session_name == "Stage box 1");
  CHECK(s.origin_address == "192.168.1.10");
  CHECK(s.session_id == 1311738121);
  CHECK(s.session_version == 1311738122);
  CHECK(s.address == "239.69.83.171");
  CHECK(s.ttl == 32);
  CHECK(s.port == 5004);
  CHECK(s.payload_type == 97);
  CHECK(s.encoding == rtp_encoding::l24);
  CHECK(s.rate == 48000);
  CHECK(s.channels == 2);
  CHECK(s.ptime_ms == doctest::Approx(0.125));
  CHECK(s.aes67);
  CHECK(s.media_clock_offset == 963214424u);
  CHECK(s.reference_clock == "ptp=IEEE1588-2008:00-1D-C1-FF-FE-12-34-56:0");
  CHECK(s.audio_media == 1);
  CHECK(format_rtp_source(source_of(s)) == "239.69.83.171:5004 format L24 48000 2");
  CHECK(source_of(s).media_clock_offset == 963214424u);  // a receiver playing at timestamps takes it off
}

TEST_CASE("sdp: ffmpeg's description of payload type 10 has no ptime and a session-level c=") {
  const auto parsed = parse_sdp(
      "v=0\no=- 0 0 IN IP4 127.0.0.1\ns=No Name\nc=IN IP4 127.0.0.1\nt=0 0\na=tool:libavformat 59.27.100\n"
      "m=audio 5002 RTP/AVP 10\nb=AS:1411\n");
  REQUIRE(parsed);
  CHECK(parsed.value().payload_type == 10);
  CHECK(parsed.value().encoding == rtp_encoding::l16);
  CHECK(parsed.value().rate == 44100);
  CHECK(parsed.value().channels == 2);
  CHECK_FALSE(parsed.value().aes67);
  CHECK(format_rtp_source(source_of(parsed.value())) == "127.0.0.1:5002 format L16 44100 2");
  CHECK(source_of(parsed.value()).media_clock_offset == 0);
}

TEST_CASE("sdp: the first audio medium we can receive is taken, past video and other codecs, and counted") {
  const auto parsed = parse_sdp(
      "v=0\no=- 1 1 IN IP6 ::1\ns=multi\nt=0 0\n"
      "m=video 6000 RTP/AVP 96\nc=IN IP4 239.1.1.1/4\na=rtpmap:96 H264/90000\n"
      "m=audio 6002 RTP/AVP 111\nc=IN IP4 239.1.1.2/4\na=rtpmap:111 opus/48000/2\n"
      "m=audio 6004 RTP/AVP 98 99\nc=IN IP6 ff15::7\na=rtpmap:98 L16/22050\na=rtpmap:99 L24/96000/2\n");
  REQUIRE_MESSAGE(parsed, (parsed ? "" : parsed.error().text));
  CHECK(parsed.value().audio_media == 2);
  CHECK(parsed.value().address == "ff15::7");
  CHECK(parsed.value().port == 6004);
  CHECK(parsed.value().payload_type == 98);
  CHECK(parsed.value().rate == 22050);
  CHECK(parsed.value().channels == 1);  // RFC 4566: no channel count is one channel
}

TEST_CASE("sdp: what cannot be received is refused, saying why") {
  CHECK(why_not("o=- 1 1 IN IP4 1.2.3.4\nm=audio 5004 RTP/AVP 10\n").find("no v=0") != std::string::npos);
  CHECK(why_not("v=1\n").find("version 1") != std::string::npos);
  CHECK(why_not("v=0\nc=IN IP4 1.2.3.4\nm=video 5004 RTP/AVP 96\n").find("no m=audio") != std::string::npos);
  CHECK(why_not("v=0\nc=IN IP4 1.2.3.4\nm=audio 5004 RTP/AVP 111\na=rtpmap:111 opus/48000/2\n")
            .find("opus/48000/2 is not L16 or L24") != std::string::npos);
  CHECK(why_not("v=0\nc=IN IP4 1.2.3.4\nm=audio 5004 RTP/AVP 97\na=rtpmap:97 L24/48000/8\n")
            .find("8 channels") != std::string::npos);
  CHECK(why_not("v=0\nm=audio 5004 RTP/AVP 10\n").find("no c= line") != std::string::npos);
  CHECK(why_not("v=0\nc=IN IP4 stage.local\nm=audio 5004 RTP/AVP 10\n").find("not numeric") !=
        std::string::npos);
  CHECK(why_not("v=0\ngarbage\n").find("line 2 is not TYPE=VALUE") != std::string::npos);
  CHECK(why_not("v=0\n" + std::string(70000, 'x')).find("64 KiB") != std::string::npos);
}

TEST_CASE("sdp: what we send reads back as the same stream") {
  sdp_stream s;
  s.session_name = "main";
  s.origin_address = "10.0.0.1";
  s.session_id = 77;
  s.session_version = 78;
  s.address = "239.2.3.4";
  s.ttl = 8;
  s.port = 5006;
  s.payload_type = 96;
  s.encoding = rtp_encoding::l24;
  s.rate = 48000;
  s.ptime_ms = 1;
  s.aes67 = true;
  std::string text;
  for (const auto& line : sdp_lines(s)) text += line + "\r\n";
  const auto back = parse_sdp(text);
  REQUIRE(back);
  CHECK(back.value().session_name == "main");
  CHECK(back.value().session_version == 78);
  CHECK(back.value().address == "239.2.3.4");
  CHECK(back.value().ttl == 8);
  CHECK(back.value().port == 5006);
  CHECK(back.value().encoding == rtp_encoding::l24);
  CHECK(back.value().rate == 48000);
  CHECK(back.value().ptime_ms == 1);
  CHECK(back.value().media_clock_offset == 0u);
  CHECK(back.value().reference_clock == "local");
}

TEST_CASE("input add NAME sdp PATH [latency MS]") {
  auto c = parse_command(split_words("input add far sdp \"/srv/stage box.sdp\" latency 40").value());
  REQUIRE(c);
  const auto& in = std::get<cmd::add_sdp_input>(c.value());
  CHECK(in.name == "far");
  CHECK(in.path == "/srv/stage box.sdp");
  CHECK(in.latency_ms == 40u);
  for (const char* bad : {"input add x sdp", "input add x sdp a.sdp latency", "input add x sdp a.sdp loop 4",
                          "input add x sdp a.sdp latency 0"}) {
    CHECK_MESSAGE(!parse_command(split_words(bad).value()), bad);
  }
}
