"""Each pipeline component on sentences with known answers (fixture gazetteer, not the shipped one)."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Doc

from kgbuild.gold import to_gold_record
from kgbuild.nlp.extract import Extractor
from kgbuild.nlp.gazetteer import PatternError, load_pattern_table
from kgbuild.nlp.pipeline import PIPE_NAMES, build_pipeline
from kgbuild.nlp.sections import compose_text
from kgbuild.records import Paper

PATTERNS = str(Path(__file__).parent / "fixtures" / "nlp" / "patterns")


@pytest.fixture(scope="module")
def nlp():
    return build_pipeline(PATTERNS, mode="rules")


@pytest.fixture(scope="module")
def extractor(nlp):
    return Extractor(nlp)


def paper(title: str, abstract: str, paper_id: str = "t-test") -> Paper:
    return Paper(paper_id=paper_id, title=title, abstract=abstract)


def entities_of(extraction) -> dict[str, str]:
    return {e.name: e.kind for e in extraction.entities}


def test_factories_resolve_through_entry_points_without_import():
    """`nlp.add_pipe("kgbuild_…")` works on a blank pipeline with no kgbuild import in sight."""
    fresh = spacy.blank("en")
    fresh.add_pipe("kgbuild_sentences")
    assert fresh.pipe_names == ["kgbuild_sentences"]


def test_pipeline_order_and_analysis(nlp):
    assert tuple(nlp.pipe_names) == PIPE_NAMES
    analysis = nlp.analyze_pipes()
    assert not any(analysis["problems"].values())


def test_sentences_keep_title_separate_and_respect_abbreviations(nlp):
    doc = nlp(compose_text("A Title Without Stop", "First sentence, e.g. this, by Smith et al. here. Second one."))
    sentences = [s.text.strip() for s in doc.sents]
    assert sentences == ["A Title Without Stop", "First sentence, e.g. this, by Smith et al. here.", "Second one."]


def test_gazetteer_gives_canonical_id_for_every_alias(nlp):
    doc = nlp("We compare GPT3 with GPT-3 and Llama-2 on MMLU with top-1 accuracy.")
    found = {(s.text, s.label_, s.id_) for s in doc.spans["kg_candidates"] if s._.kg_rule == "gazetteer"}
    assert ("GPT3", "MODEL", "gpt-3") in found
    assert ("GPT-3", "MODEL", "gpt-3") in found
    assert ("Llama-2", "MODEL", "llama-2") in found
    assert ("top-1 accuracy", "METRIC", "top-1-accuracy") in found


def test_lowercase_patterns_match_any_case_but_exact_ones_do_not(nlp):
    doc = nlp("Top-1 Accuracy improves while bert and Bert are not names here.")
    kinds = {(s.text, s.label_) for s in doc.spans["kg_candidates"]}
    assert ("Top-1 Accuracy", "METRIC") in kinds
    assert not any(text.lower() == "bert" for text, _ in kinds)


def test_bad_pattern_file_reports_file_and_line(tmp_path):
    (tmp_path / "bad.jsonl").write_text('{"label": "MODEL", "pattern": "X", "id": "x"}\n{not json}\n')
    with pytest.raises(PatternError, match=r"bad.jsonl:2"):
        load_pattern_table(str(tmp_path))


def test_unknown_names_found_by_shape_and_title(extractor):
    result = extractor.extract_one(
        paper(
            "TinyViT: Fast Pretraining Distillation for Small Vision Transformers",
            "We propose TinyViT, a new family of tiny vision transformers. It is compared with MiniGPT-4 and ERNIE 3.0.",
        )
    )
    names = entities_of(result)
    assert names["TinyViT"] == "MODEL"
    assert "MiniGPT-4" in names
    assert "ERNIE 3.0" in names


def test_generic_acronyms_and_hyphenated_title_words_are_not_names(extractor):
    result = extractor.extract_one(
        paper(
            "Data-Driven Pre-Training for Everyone",
            "Large language models (LLMs) and NLP systems on GPUs dominate AI. Self-Supervised learning helps.",
        )
    )
    assert entities_of(result) == {}


def test_size_variant_links_to_base_model(extractor):
    result = extractor.extract_one(paper("A study", "We fine-tune Llama-2-70B and GPT-3 175B on our data."))
    by_name = {e.name: e for e in result.entities}
    assert by_name["Llama-2-70B"].variant_of == "llama-2"
    assert by_name["GPT-3 175B"].variant_of == "gpt-3"


def test_acronym_definition_gives_alias_and_kind_from_head_noun(extractor):
    result = extractor.extract_one(
        paper(
            "A new benchmark",
            "We introduce the Finance Massive Text Embedding Benchmark (FinMTEB), covering many tasks.",
        )
    )
    by_name = {e.name: e for e in result.entities}
    assert by_name["FinMTEB"].kind == "BENCHMARK"
    assert "Finance Massive Text Embedding Benchmark" in by_name["FinMTEB"].aliases


@pytest.mark.parametrize(
    "sentence, value, kind",
    [
        ("It achieves a top-1 accuracy of 84.8% on ImageNet-1k.", "84.8%", "absolute"),
        ("Our model improves BLEU by 3.9 points.", "3.9 points", "delta"),
        ("We obtain +2.5% accuracy over the baseline.", "+2.5%", "delta"),
        ("It scores 90.6 vs 89.8 on SuperGLUE.", "90.6", "absolute"),
    ],
)
def test_scores_absolute_and_delta(nlp, sentence, value, kind):
    doc = nlp(sentence)
    found = {(s["value"], s["kind"]) for s in doc._.kg_scores}
    assert (value, kind) in found


@pytest.mark.parametrize(
    "sentence",
    [
        "The model has 21M parameters and is 4.2 times smaller.",
        "We prune to 60% sparsity in one shot.",
        "It was released in 2021 with 7.5 billion parameters.",
    ],
)
def test_sizes_counts_and_settings_are_not_scores(nlp, sentence):
    assert nlp(sentence)._.kg_scores == []


def test_relations_from_cues(extractor):
    result = extractor.extract_one(
        paper(
            "TinyViT: Fast Pretraining Distillation for Small Vision Transformers",
            "We propose TinyViT, a new family of small vision transformers pretrained on ImageNet-21k. "
            "TinyViT is fine-tuned from Swin-B. It achieves a top-1 accuracy of 84.8% on ImageNet-1k, "
            "outperforming GPT-3 and RoBERTa. Models such as BERT have shown promise.",
        )
    )
    gold = to_gold_record(result)
    assert gold["proposes"] == ["TinyViT"]
    assert set(gold["compares_with"]) == {"GPT-3", "RoBERTa"}
    assert "BERT" not in gold["compares_with"]
    assert ["TinyViT", "ImageNet-1k"] in gold["evaluated_on"]
    assert ["TinyViT", "ImageNet-21k"] in gold["trained_on"]
    assert ["TinyViT", "Swin-B"] in gold["based_on"]
    assert {
        "model": "TinyViT",
        "benchmark": "ImageNet-1k",
        "metric": "top-1 accuracy",
        "value": "84.8%",
        "kind": "absolute",
    } in gold["results"]


def test_mere_mention_is_not_a_proposal_or_comparison(extractor):
    result = extractor.extract_one(
        paper(
            "Scaling laws revisited",
            "Recent works such as GPT-3 and BERT have shown that scaling helps. We study why.",
        )
    )
    gold = to_gold_record(result)
    assert gold["proposes"] == []
    assert gold["compares_with"] == []
    assert {"GPT-3", "BERT"} <= set(gold["mentions"])


def test_evidence_span_equals_source_text(extractor):
    p = paper("UL2: Unifying Language Learning Paradigms", "We propose UL2. It outperforms GPT-3 on SuperGLUE.")
    result = extractor.extract_one(p)
    evidences = [ev for e in result.entities for ev in e.evidence]
    evidences += [r.evidence for r in result.relations] + [r.evidence for r in result.results]
    assert evidences
    for ev in evidences:
        text = p.section_text(ev.section)
        assert ev.sentence in text
        assert text[ev.sentence_start :].startswith(ev.sentence)
        assert ev.start >= ev.sentence_start
        span = text[ev.start : ev.end]
        assert span and span in ev.sentence
    sections = {ev.section for ev in evidences}
    assert sections == {"title", "abstract"}


def test_a_failing_paper_is_reported_and_the_rest_extracted(nlp):
    extractor = Extractor(nlp, batch_size=4)
    papers = [paper(f"Paper {i}", "We propose FooNet.", paper_id=f"p{i}") for i in range(6)]
    papers[2] = Paper(paper_id="bad", title=None, abstract="broken")  # type: ignore[arg-type]
    failures = []
    done = list(extractor.extract_reporting(papers, lambda p, e: failures.append(p.paper_id)))
    assert [d.paper.paper_id for d in done] == ["p0", "p1", "p3", "p4", "p5"]
    assert failures == ["bad"]


def test_the_garbage_collector_is_paused_during_a_batch_and_restored_after(nlp):
    """Extraction runs with the cyclic GC off (it cost a quarter of the time) and gives the
    caller's setting back, on success and on failure."""
    seen: list[bool] = []

    @Language.component("gc_state_probe")
    def probe(doc):
        seen.append(gc.isenabled())
        return doc

    nlp.add_pipe("gc_state_probe", first=True)
    try:
        extractor = Extractor(nlp, batch_size=2)
        assert gc.isenabled()
        done = list(extractor.extract([paper(f"Paper {i}", "We propose FooNet.") for i in range(3)]))
        assert len(done) == 3 and seen == [False, False, False]
        assert gc.isenabled()
        with pytest.raises(TypeError):
            extractor.extract_batch([Paper(paper_id="bad", title=None, abstract="x")])  # type: ignore[arg-type]
        assert gc.isenabled()
        gc.disable()
        try:
            extractor.extract_one(paper("Paper", "We propose FooNet."))
            assert not gc.isenabled()  # the caller's choice is kept
        finally:
            gc.enable()
    finally:
        nlp.remove_pipe("gc_state_probe")


def test_hyphenated_and_unit_suffixed_names_stay_whole(extractor):
    result = extractor.extract_one(
        paper(
            "Cerebras-GPT: Open Compute-Optimal Language Models",
            "We pretrain on HowTo100M and WebVid-2M, then compare with Mistral-Instruct-v2.",
        )
    )
    names = set(entities_of(result))
    assert {"Cerebras-GPT", "HowTo100M", "WebVid-2M", "Mistral-Instruct-v2"} <= names
    assert "Compute-Optimal" not in names


@pytest.mark.parametrize("text", ["Rank-1", "FP16", "L2", "A100", "humAns", "PrOvable", "Top-5"])
def test_look_alikes_are_not_names(extractor, text):
    result = extractor.extract_one(paper("A study", f"We report {text} results with GPUs."))
    assert text not in entities_of(result)


def test_kind_from_appositive_and_naming_cue(extractor):
    result = extractor.extract_one(
        paper(
            "Pruning at scale",
            "We introduce a new pruning method, called SparseNet. We also release FooBench, a benchmark of hard tasks.",
        )
    )
    kinds = entities_of(result)
    assert kinds["SparseNet"] == "METHOD"
    assert kinds["FooBench"] == "BENCHMARK"


def test_based_on_follows_coordination_and_parenthesised_names(extractor):
    result = extractor.extract_one(
        paper(
            "FrozenNet: A Joint Encoder",
            "Our model FrozenNet is an extension of the recent ViT-2 and Swin-B architectures. "
            "We also release a further pre-trained GPT-3 (GPT-3u).",
        )
    )
    gold = to_gold_record(result)
    assert ["FrozenNet", "ViT-2"] in gold["based_on"]
    assert ["FrozenNet", "Swin-B"] in gold["based_on"]
    assert ["GPT-3u", "GPT-3"] in gold["based_on"]


def test_acronym_defined_with_function_words(extractor):
    result = extractor.extract_one(
        paper(
            "Learning to modulate",
            "Therefore, we propose a novel method, Learning-to-Modulate (L2M), that avoids forgetting.",
        )
    )
    by_name = {e.name: e for e in result.entities}
    assert "Learning-to-Modulate" in by_name["L2M"].aliases
    assert to_gold_record(result)["proposes"] == ["L2M"]


def test_deltas_through_hedges_and_coordination(nlp):
    doc = nlp("It surpasses the prior state-of-the-art by 1.3% and 3.6% in accuracy, and reduces cost by about 20%.")
    assert {(s["value"], s["kind"]) for s in doc._.kg_scores} == {
        ("1.3%", "delta"),
        ("3.6%", "delta"),
        ("about 20%", "delta"),
    }


def test_known_name_glued_into_a_longer_name_is_not_a_mention(extractor):
    result = extractor.extract_one(paper("A detector", "We build CQ-DINO and compare it with DINO and Llama-2-70B."))
    names = entities_of(result)
    assert "DINO" in names  # the standalone mention
    assert all(e.name != "DINO" or len(e.evidence) == 1 for e in result.entities)
    assert "Llama-2-70B" in names


def test_title_name_known_to_the_gazetteer_is_still_proposed(extractor):
    result = extractor.extract_one(
        paper(
            "Cerebras-GPT: Open Compute-Optimal Language Models",
            "We introduce a family of models. They are trained on The Pile.",
        )
    )
    assert to_gold_record(result)["proposes"] == ["Cerebras-GPT"]


def test_comparisons_between_two_baselines_or_in_background_are_not_ours(extractor):
    result = extractor.extract_one(
        paper(
            "DecodingTrust: A Comprehensive Assessment",
            "Models are beginning to outperform BERT in general. We find that GPT-4 is more trustworthy than GPT-3.5. "
            "Our method outperforms RoBERTa.",
        )
    )
    assert to_gold_record(result)["compares_with"] == ["RoBERTa"]


def test_names_listed_after_a_kind_noun_take_its_kind(extractor):
    result = extractor.extract_one(
        paper(
            "A study",
            "We pre-train on datasets from two benchmark suites, namely Meta-World and DMControl. "
            "It reaches 68.5% and 60.1% on CUHK-PEDES, ICFG-PEDES and RSTPReid.",
        )
    )
    kinds = entities_of(result)
    for name in ("Meta-World", "DMControl", "CUHK-PEDES", "ICFG-PEDES", "RSTPReid"):
        assert kinds.get(name) == "BENCHMARK", name


def test_metric_takes_its_hyphenated_modifier(extractor):
    result = extractor.extract_one(paper("A study", "It obtains a mean-average-precision of 0.989 on WordNet."))
    assert "mean-average-precision" in entities_of(result)


def test_contrast_in_the_next_sentence_is_a_comparison(extractor):
    result = extractor.extract_one(
        paper(
            "Solving math",
            "The latest GPT-3 model solves only 18.8% of these questions. In contrast, our program synthesis "
            "approach solves 81%. RoBERTa reaches 50.1% elsewhere. Our method is simple.",
        )
    )
    assert to_gold_record(result)["compares_with"] == ["GPT-3"]


def test_the_pipelines_tokenizer_splits_like_a_freshly_configured_one(nlp):
    """``build_pipeline`` empties the tokenizer's cache at the end (speed); the rules and special
    cases must survive it: the pipeline's tokens equal a fresh tokenizer's."""
    from kgbuild.nlp.pipeline import configure_tokenizer

    fresh = spacy.blank("en")
    configure_tokenizer(fresh)
    texts = [
        "We don't fine-tune Swin-B. It beats GPT-3 by 4.5% on WebVid-2M (cf. Fig. 2).",
        "HowTo100M and 21M parameters vs. Llama-2-70B.",
        "U.S. data, e.g. ROUGE-L.",
    ]
    for text in texts:
        assert [t.text for t in nlp.make_doc(text)] == [t.text for t in fresh.make_doc(text)]
    assert "don't" in nlp.tokenizer.rules
    assert [t.text for t in nlp.make_doc("than Swin-B.")][-2:] == ["B", "."]


def test_evidence_sentence_covers_a_name_that_runs_over_a_sentence_break(nlp):
    """ "Yahoo! Answers": the segmenter ends a sentence after "Yahoo!", but the mention's evidence
    must still contain the whole mention (both sentences), as everywhere else."""
    from kgbuild.nlp.tokens import SentenceBounds

    text = compose_text("A study", "We test on Yahoo! Answers and other data. It works.")
    doc = nlp(text)
    words = [t.text for t in doc]
    start = words.index("Yahoo")
    end = words.index("Answers") + 1
    assert doc[end - 1].is_sent_start  # the break this test is about
    first, last = SentenceBounds(doc).chars_around(start, end)
    assert "Yahoo! Answers" in text[first:last]
    assert SentenceBounds(doc).chars_around(start, start + 1) == (doc[start].sent.start_char, doc[start].sent.end_char)
    assert SentenceBounds(doc).tokens_around(start, start + 1) == (doc[start].sent.start, doc[start].sent.end)


def test_sentence_bounds_from_the_recorded_starts_equal_doc_sents(nlp):
    """``SentenceBounds`` reads the starts the segmenter recorded instead of building
    ``doc.sents``; for every token its sentence must be ``token.sent``, as it is on a Doc without
    recorded starts (where it falls back to ``doc.sents``)."""
    from kgbuild.nlp.tokens import SentenceBounds

    texts = [
        compose_text("GPT-4: A Report", "We test on Yahoo! Answers. It works (Fig. 2). U.S. data, e.g. ROUGE-L.  Done"),
        compose_text("One", "Two"),
        compose_text("A title with no abstract", ""),
    ]
    for text in texts:
        doc = nlp(text)
        recorded = SentenceBounds(doc)
        plain = Doc(doc.vocab, words=[t.text for t in doc], spaces=[bool(t.whitespace_) for t in doc])
        plain.from_array(["SENT_START"], doc.to_array(["SENT_START"]))  # same boundaries, nothing recorded
        fallback = SentenceBounds(plain)
        assert recorded.spans() == fallback.spans() == [(s.start, s.end) for s in doc.sents]
        for token in doc:
            sentence = token.sent
            for bounds in (recorded, fallback):
                assert bounds.sentence_of(token.i) == (sentence.start, sentence.end)
                assert bounds.sentence_chars_of(token.i) == (sentence.start_char, sentence.end_char)


def test_cached_word_views_equal_spacys_own_attributes(nlp):
    """The components read these lists instead of Tokens; each must equal what spaCy's Token and
    Span attributes give, including words first met in this Doc (the ORTH -> text map learns them)."""
    from kgbuild.nlp import tokens

    text = compose_text("Zyxwvut-9B: A Report", "We beat GPT-3 by 4.5% (ten runs) on WebVid-2M, e.g. ROUGE-L.  Done ")
    doc = nlp(text)
    assert tokens.words(doc) == [t.text for t in doc]
    assert tokens.lowers(doc) == [t.lower_ for t in doc]
    assert tokens.spaces(doc) == [bool(t.whitespace_) for t in doc]
    assert tokens.puncts(doc) == [t.is_punct for t in doc]
    assert tokens.like_nums(doc) == [t.like_num for t in doc]
    assert tokens.text_of(doc) == doc.text == text
    for start in range(len(doc)):
        for end in range(start, min(start + 4, len(doc)) + 1):
            assert tokens.text_of_span(doc[start:end]) == doc[start:end].text


def test_doc_text_is_kept_by_the_tokenizer_and_rebuilt_without_it(nlp):
    """The pipeline's tokenizer keeps the text each Doc was made from; a Doc made any other way
    (``Doc(vocab, words, spaces)``, as the NER windows are) gets its text joined from its words.
    Either way the text and every span's text equal spaCy's own."""
    import pickle

    from kgbuild.nlp import tokens
    from kgbuild.nlp.pipeline import TextKeepingTokenizer

    assert isinstance(nlp.tokenizer, TextKeepingTokenizer)
    text = compose_text("Llama-2-70B:  a test", "It scores 71.2–74.5 on MMLU,\n and 3.1x faster (GPT-4o).")
    kept = nlp.make_doc(text)
    rebuilt = Doc(nlp.vocab, words=[t.text for t in kept], spaces=[bool(t.whitespace_) for t in kept])
    assert tokens._TEXT in kept.user_data and tokens._TEXT not in rebuilt.user_data
    for doc in (kept, rebuilt):
        assert tokens.text_of(doc) == doc.text == text
        for start in range(len(doc)):
            for end in range(start, min(start + 4, len(doc)) + 1):
                assert tokens.span_text(doc, start, end) == doc[start:end].text
    # a pickled pipeline (spaCy's multiprocessing) keeps the tokenizer's class and its rules
    copy = pickle.loads(pickle.dumps(nlp.tokenizer))
    assert isinstance(copy, TextKeepingTokenizer)
    assert [t.text for t in copy(text)] == [t.text for t in kept]
