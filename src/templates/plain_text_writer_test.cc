// PlainTextWriter (plain_text_writer.h): words wrapped where a space allows, the same however the text
// comes — a paragraph at once (the words that fit a line are placed together) or a word at a time.
#include "templates/plain_text_writer.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace herald::templates {
namespace {

TEST(PlainTextWriter, WrapsWhereASpaceAllows) {
  PlainTextWriter writer(7);
  writer.AddText("aaa bbb ccc  dddddddddd e\n f");
  EXPECT_EQ(writer.Finish(), "aaa bbb\nccc\ndddddddddd\ne f\n");
}

TEST(PlainTextWriter, AParagraphAtOnceWrapsAsAWordAtATime) {
  const std::vector<std::string> words = {"a", "of", "the", "return", "parcel", "information", "12:30", "e-mail",
                                          std::string(30, 'w'), "naïve", "€5", "(https://shop.example/x)"};
  const std::vector<std::string> separators = {" ", " ", " ", " ", "  ", "\n    ", "\t"};
  std::mt19937 random(20261202);
  for (int round = 0; round < 500; ++round) {
    const size_t width = 8 + random() % 72;
    PlainTextWriter whole(width);
    PlainTextWriter split(width);
    for (PlainTextWriter* writer : {&whole, &split}) {
      writer->AddText("Before:");  // a line with text already, as after an earlier element
      writer->AddSpace();
      if (round % 3 == 0) {
        writer->SetIndent(4);
        writer->SetMarker("- ");
        writer->LineBreak();
      }
    }
    std::string paragraph;
    for (int n = 0; n < 60; ++n) {
      const std::string& word = words[random() % words.size()];
      const std::string& separator = separators[random() % separators.size()];
      paragraph += word + separator;
      split.AddText(word);  // a word at a text's end is gathered, then placed by the space
      split.AddSpace();
    }
    whole.AddText(paragraph);
    EXPECT_EQ(whole.Finish(), split.Finish()) << "width " << width << ": " << paragraph;
  }
}

}  // namespace
}  // namespace herald::templates
