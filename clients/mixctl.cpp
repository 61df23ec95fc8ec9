// mixctl: sends control commands to mixmatrixd and prints the replies.
//   mixctl [--server PORT|HOST[:PORT]] [--password P] [--watch] [COMMAND ...]
// With a command: one command, exit 0 on OK, 1 on ERR. Without: one command per line of stdin,
// exit 1 if any failed. 2 when it cannot connect or the arguments are wrong.

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>
#include <utility>  // before Asio: Boost 1.74's awaitable.hpp needs std::exchange
#include <vector>

#include <boost/asio.hpp>

#include "clients/command_line.hpp"
#include "clients/server_address.hpp"
#include "protocol/command_table.hpp"
#include "protocol/words.hpp"

namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

constexpr const char* usage =
    R"(usage: mixctl [--server PORT|HOST[:PORT]] [--password P] [--watch] [COMMAND ...]
Sends control commands to mixmatrixd (default 127.0.0.1:7700) and prints the replies.
  COMMAND ...        one command (its words, quoted as needed); exit 0 on OK, 1 on ERR
  (no command)       one command per line of standard input; exit 1 if any failed
  --watch            print events ('* ' lines) until interrupted
  --password P       authenticate first (or set MIXMATRIX_PASSWORD)
  --help, --version
Exit 2 when it cannot connect.
)";

class connection {
 public:
  connection(const std::string& host, std::uint16_t port) : socket_(io_) {
    tcp::resolver resolver(io_);
    asio::connect(socket_, resolver.resolve(host, std::to_string(port)));
    read_line();  // the greeting
  }
  std::string read_line() {
    asio::read_until(socket_, buffer_, '\n');
    std::istream in(&buffer_);
    std::string line;
    std::getline(in, line);
    return line;
  }
  // Sends one command, prints its data lines and status line; true on OK.
  bool command(const std::string& line, bool print) {
    asio::write(socket_, asio::buffer(line + "\n"));
    for (;;) {
      const std::string reply = read_line();
      if (reply.starts_with("* ")) continue;
      if (print) std::cout << reply << '\n';
      if (reply.starts_with("OK")) return true;
      if (reply.starts_with("ERR")) return false;
    }
  }
  void print_events() {
    for (;;) std::cout << read_line() << std::endl;
  }

 private:
  asio::io_context io_;
  tcp::socket socket_;
  asio::streambuf buffer_;
};

// A file a command names is the client's: made absolute here, so the server opens the file this shell
// means (a relative path would be the server's, against its own working directory).
std::string line_of(std::vector<std::string> words) {
  for (const std::size_t at : mixmatrix::protocol::path_words(words)) {
    std::error_code ec;
    const auto absolute = std::filesystem::absolute(words[at], ec);
    if (!ec) words[at] = absolute.lexically_normal().string();
  }
  std::string line;
  for (const auto& w : words) line += (line.empty() ? "" : " ") + mixmatrix::protocol::quote_word(w);
  return line;
}

// The same for a line as typed (one that does not split into words goes as it is: the server says why).
std::string line_of(const std::string& typed) {
  const auto words = mixmatrix::protocol::split_words(typed);
  return words && !words.value().empty() ? line_of(words.value()) : typed;
}

}  // namespace

int main(int argc, char** argv) {
  std::string server = "127.0.0.1";
  std::string password = std::getenv("MIXMATRIX_PASSWORD") ? std::getenv("MIXMATRIX_PASSWORD") : "";
  bool watch = false;
  std::vector<std::string> words;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (!words.empty()) {  // everything after the command word belongs to the command
      words.push_back(a);
      continue;
    }
    mixmatrix::clients::answer_help_or_version(a, "mixctl", usage);
    if ((a == "--server" || a == "--password") && i + 1 < argc) {
      (a == "--server" ? server : password) = argv[++i];
    } else if (a == "--watch") {
      watch = true;
    } else if (a.starts_with("--")) {
      mixmatrix::clients::fail("mixctl", "unknown option " + a + " (try --help)");
    } else {
      words.push_back(a);
    }
  }
  const auto address = mixmatrix::clients::parse_server_address(server, 7700);
  if (!address)
    mixmatrix::clients::fail("mixctl", "--server takes PORT, HOST or HOST:PORT, not '" + server + "'");
  try {
    connection c(address->host, address->port);
    if (!password.empty() && !c.command("auth " + mixmatrix::protocol::quote_word(password), false)) {
      std::fprintf(stderr, "mixctl: authentication failed\n");
      return 1;
    }
    if (watch) {
      c.command("watch", false);
      c.print_events();
    }
    if (!words.empty()) return c.command(line_of(words), true) ? 0 : 1;
    bool all_ok = true;
    for (std::string line; std::getline(std::cin, line);) {
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      all_ok &= c.command(line_of(line), true);
    }
    return all_ok ? 0 : 1;
  } catch (const boost::system::system_error& e) {
    std::fprintf(stderr, "mixctl: %s:%u: %s\n", address->host.c_str(), address->port, e.code().message().c_str());
    return 2;
  }
}
