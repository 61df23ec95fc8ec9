#include "server/control/scene_script.hpp"

#include <memory>

#include "protocol/command_parser.hpp"
#include "protocol/line_reader.hpp"
#include "protocol/words.hpp"
#include "server/control/command_core.hpp"

namespace mixmatrix::server {
namespace {

// Scene files are ours or a person's: far longer lines than the control port takes are fine.
constexpr std::size_t max_scene_line = 1 << 20;

class scene_script : public std::enable_shared_from_this<scene_script> {
 public:
  scene_script(command_core& core, std::string path, std::string text, int depth,
               std::function<void(std::optional<protocol::failure>)> done)
      : core_(core), path_(std::move(path)), reader_(max_scene_line), done_(std::move(done)) {
    reader_.append(text);
    reader_.append("\n");  // a last line without its LF still counts
    as_.what = client::kind::script;
    as_.origin = path_;
    as_.authenticated = true;
    as_.depth = depth;
  }

  // Runs lines until one finishes later (its completion goes on) or the text ends. A loop, not a
  // recursion, so a scene of thousands of lines does not grow the stack.
  void step() {
    stepping_ = true;
    while (!waiting_ && !finished_) {
      auto line = reader_.next();
      if (!line) return finish(std::nullopt);
      ++number_;
      if (line->too_long) return fail({protocol::code::bad_request, "line too long"});
      const auto first = line->text.find_first_not_of(" \t");
      if (first == std::string::npos || line->text[first] == '#') continue;
      text_ = line->text;
      auto words = protocol::split_words(text_);
      if (!words) return fail(words.error());
      auto command = protocol::parse_command(words.value());
      if (!command) return fail(command.error());
      waiting_ = true;
      core_.execute(command.value(), text_, as_, [self = shared_from_this()](command_result r) {
        self->waiting_ = false;
        if (!r.ok()) return self->fail(*r.error);
        if (!self->stepping_) self->step();
      });
    }
    stepping_ = false;
  }

 private:
  void fail(const protocol::failure& why) {
    finish(protocol::failure{why.code, path_ + ":" + std::to_string(number_) + ": " + text_ + ": " + why.text});
  }
  void finish(std::optional<protocol::failure> outcome) {
    stepping_ = false;
    if (finished_) return;
    finished_ = true;
    done_(std::move(outcome));
  }

  command_core& core_;
  std::string path_;
  protocol::line_reader reader_;
  std::function<void(std::optional<protocol::failure>)> done_;
  client as_;
  std::string text_;
  int number_ = 0;
  bool waiting_ = false;
  bool stepping_ = false;
  bool finished_ = false;
};

}  // namespace

void run_scene_script(command_core& core, const std::string& path, std::string text, int depth,
                      std::function<void(std::optional<protocol::failure>)> done) {
  std::make_shared<scene_script>(core, path, std::move(text), depth, std::move(done))->step();
}

}  // namespace mixmatrix::server
