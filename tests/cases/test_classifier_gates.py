"""The classifier's newer parts: trained gates (logistic regression) and their operating point, the
wider accusation and out-of-scope rules, the trie matcher, precomputed BM25, the segmenter over
jieba's shared dictionary and the bound on work per message.

Pure Python, no database. The targets on held-out figures are in test_classifier.py.
"""

from __future__ import annotations

import json
import math
import random
import re
from collections import Counter
from dataclasses import replace

import pytest

from classifier import engine as classifier_module
from classifier.bundled import bundled_gates
from classifier.engine import HEAD_CHARS, TAIL_CHARS, Classifier
from classifier.evaluation import Figures, HeldOut, load_labelled, report, rules_classifier, training_files
from classifier.gates import (
    FORMAT,
    Gates,
    accusation_features,
    accusation_flag,
    scope_features,
)
from classifier.logistic import LogisticModel
from classifier.rules.accusation import AccusationCheck, check_accusation, target_evidence
from classifier.sweep import (
    MAX_FALSE_SEAL,
    MIN_PRECISION,
    MIN_RECALL,
    Point,
    Prediction,
    best_point,
    count,
    held_out_predictions,
)
from classifier.textindex import Bm25
from classifier.textnorm import TermMatcher, normalise
from classifier.training import train

# --- logistic regression ------------------------------------------------------------------------


def _toy() -> list[tuple[dict[str, float], bool]]:
    rnd = random.Random(1)
    rows = []
    for _ in range(200):
        good = rnd.random() < 0.5
        features = {"noise": rnd.random(), ("good" if good else "bad"): 1.0}
        rows.append((features, good))
    return rows



def _gates(accusation: LogisticModel, out_of_scope: LogisticModel, **thresholds: float) -> Gates:
    """Gates of the given models, at the shipped thresholds but those given."""
    return replace(bundled_gates(), accusation=accusation, out_of_scope=out_of_scope, **thresholds)

def test_logistic_regression_learns_a_separable_problem() -> None:
    model = LogisticModel.fit(_toy())
    assert model.probability({"good": 1.0}) > 0.9 > 0.1 > model.probability({"bad": 1.0})
    assert model.probability({}) == pytest.approx(1 / (1 + math.exp(-model.bias)))


def test_logistic_regression_is_deterministic_and_weighs_positives() -> None:
    assert LogisticModel.fit(_toy()) == LogisticModel.fit(_toy())
    plain = LogisticModel.fit(_toy(), epochs=2)
    leaning = LogisticModel.fit(_toy(), epochs=2, positive_weight=3.0)
    assert leaning.probability({"noise": 0.5}) > plain.probability({"noise": 0.5})


def test_rare_features_are_dropped_and_json_round_trips() -> None:
    rows = [*_toy(), ({"once": 1.0}, True)]
    model = LogisticModel.fit(rows, min_count=2)
    assert "once" not in model.weights and "good" in model.weights
    again = LogisticModel.from_json(json.loads(json.dumps(model.as_json())))
    assert again.probability({"good": 1.0}) == pytest.approx(model.probability({"good": 1.0}), abs=1e-3)


# --- gates --------------------------------------------------------------------------------------


def test_the_model_decides_at_the_threshold_the_rules_set(classifier: Classifier) -> None:
    silent = _gates(LogisticModel({}, -30.0), LogisticModel({}, -30.0), accusation_threshold_rules=0.0)
    eager = _gates(LogisticModel({}, 30.0), LogisticModel({}, 30.0))
    rule_flagged = classifier.gate_input("举报王科长受贿")
    neither = classifier.gate_input("那几栋楼一直空着")
    assert silent.is_accusation(rule_flagged) and not silent.is_accusation(neither)
    # With a veto above zero, a model sure that the rules are wrong keeps the message unsealed.
    vetoing = _gates(LogisticModel({}, -30.0), LogisticModel({}, -30.0), accusation_threshold_rules=0.05)
    assert rule_flagged.accusation.accusation and not vetoing.is_accusation(rule_flagged)
    assert eager.is_accusation(neither) and eager.is_out_of_scope(neither)
    assert silent.is_out_of_scope(classifier.gate_input("楼上装修太吵了"))
    assert not silent.is_out_of_scope(neither)


def test_the_model_threshold_depends_on_a_wrongdoing_word(classifier: Classifier) -> None:
    # P from the bias, between the two thresholds: enough beside a wrongdoing word, not on a name alone
    # (the shipped pair is the sweep's choice, checked below; here the mechanism).
    p = 0.4
    gates = _gates(LogisticModel({}, math.log(p / (1 - p))), LogisticModel({}, -30.0),
                   accusation_threshold=0.1, accusation_threshold_no_wrongdoing=0.7)
    with_word = classifier.gate_input("服务中心的人扣下了我们两成补贴")
    name_only = classifier.gate_input("管委会的张主任去年调走了")
    assert not with_word.accusation.accusation and with_word.accusation.wrongdoing_score > 0
    assert name_only.accusation.wrongdoing_score == 0
    assert gates.is_accusation(with_word) and not gates.is_accusation(name_only)


def test_the_flag_and_the_sweep_use_one_rule() -> None:
    rule = AccusationCheck(True, ("王科长",), ("受贿",), 1.0, 3.0)
    word = AccusationCheck(False, (), ("截留",), 0.5, 2.0)
    name = AccusationCheck(False, ("张主任",), (), 1.0, 0.0)
    assert accusation_flag(rule, 0.0, 0.5, 0.9) and not accusation_flag(rule, 0.04, 0.5, 0.9, 0.05)
    assert accusation_flag(word, 0.5, 0.5, 0.9) and not accusation_flag(word, 0.49, 0.5, 0.9)
    assert accusation_flag(name, 0.9, 0.1, 0.9) and not accusation_flag(name, 0.89, 0.1, 0.9)
    # Ten accusations (one only the model at 0.3 sees) and ten others (one at 0.6, with a name).
    rows = [Prediction("a", True, rule, 0.9)] * 9 + [Prediction("a", True, word, 0.3)]
    rows += [Prediction("a", False, name, 0.6)] + [Prediction("a", False, name, 0.05)] * 9
    point = count(rows, 0.3, 0.7)
    assert (point.tp, point.fp, point.fn) == (10, 0, 0) and point.precision == point.recall == 1.0
    best = best_point(rows, min_recall=0.97)
    assert best is not None and best.recall == 1.0 and best.precision == 1.0
    assert best.threshold <= 0.3 and best.threshold_no_wrongdoing > 0.6


def test_false_seals_are_counted_against_the_ordinary_messages() -> None:
    # 95 of 100 accusations found, 10 of 1,000 ordinary messages sealed: precision 90 % on this set,
    # but 89 % at the 8 % of accusations that real mail holds.
    point = Point(0.1, 0.7, tp=95, fp=10, fn=5, threshold_rules=0.0, negatives=1000)
    assert point.false_seal_rate == pytest.approx(0.01)
    assert point.precision_at(0.08) == pytest.approx(0.95 * 0.08 / (0.95 * 0.08 + 0.01 * 0.92))
    assert "false seals 1.00% of ordinary" in point.line()
    figures = Figures(messages=110, accusation_tp=9, accusation_fp=2, accusation_fn=1)
    assert figures.ordinary == 100 and figures.false_seal_rate == pytest.approx(0.02)
    assert "false seals   2.0% of ordinary messages (2 of 100)" in report("set", figures)


def test_crossed_features_fire_only_with_an_identifiable_target(classifier: Classifier) -> None:
    named = accusation_features(classifier.gate_input("驿站负责人施某截留了补贴"))
    vague = accusation_features(classifier.gate_input("建议严查截留补贴的行为"))
    assert any(f.startswith("t") for f in named) and not any(f.startswith("t") for f in vague)
    assert "tc截留" not in named and "t截留" in named and "c截留" in vague
    weak = scope_features(classifier.gate_input("驾照到期换证在哪里办"))
    assert any(f.startswith("l") for f in weak) and "rule" in weak


def test_gates_json_round_trips_and_is_checked(classifier: Classifier) -> None:
    gates = bundled_gates()
    again = Gates.from_json(json.loads(json.dumps(gates.as_json())))
    inp = classifier.gate_input("招商处的刘某收了企业两条烟")
    assert again.accusation_probability(inp) == pytest.approx(gates.accusation_probability(inp))
    assert gates.as_json()["format"] == FORMAT
    with pytest.raises(ValueError):
        Gates.from_json({"format": "something else"})


def test_bundled_gates_are_what_the_labelled_files_train() -> None:
    shipped, fresh = bundled_gates(), train(training_files())
    # The model file alone holds the thresholds (python -m classifier sweep chose them): training keeps them.
    thresholds = ("accusation_threshold", "accusation_threshold_no_wrongdoing", "accusation_threshold_rules",
                  "scope_threshold")
    assert [getattr(fresh, t) for t in thresholds] == [getattr(shipped, t) for t in thresholds]
    for name in ("accusation", "out_of_scope"):
        old, new = getattr(shipped, name), getattr(fresh, name)
        assert old.bias == pytest.approx(new.bias, abs=1e-3), "run python -m classifier train"
        big = {f for f, w in new.weights.items() if abs(w) > 1e-3}
        assert big <= set(old.weights), "run python -m classifier train"
        assert max(abs(old.weights[f] - new.weights[f]) for f in big) < 1e-3, "run python -m classifier train"


def test_derived_classifiers_share_the_index_and_keep_the_other_part(classifier: Classifier) -> None:
    rules = classifier.with_gates(None)
    assert rules.gates is None and classifier.gates is not None
    assert rules._segmenter is classifier._segmenter  # noqa: SLF001 - built once, shared
    trained = classifier.train([("蘑菇亭一直黑着", "1.4")])
    assert trained.gates is classifier.gates and trained.naive_bayes is not None
    assert trained.with_model(None).naive_bayes is None


# --- the accusation operating point and the hard cases it is chosen on ------------------------------


def test_the_shipped_accusation_thresholds_are_the_sweeps_choice(held_out: HeldOut) -> None:
    predictions = held_out_predictions(held_out, training_files())
    gates = bundled_gates()
    shipped = count(predictions, gates.accusation_threshold, gates.accusation_threshold_no_wrongdoing,
                    threshold_rules=gates.accusation_threshold_rules)
    assert shipped.recall >= MIN_RECALL and shipped.precision_at() >= MIN_PRECISION, shipped.line()
    assert shipped.false_seal_rate <= MAX_FALSE_SEAL, shipped.line()
    best = best_point(predictions, MIN_RECALL)
    assert best is not None, "no threshold triple reaches the recall wanted"
    assert (best.threshold, best.threshold_no_wrongdoing, best.threshold_rules) == (
        gates.accusation_threshold,
        gates.accusation_threshold_no_wrongdoing,
        gates.accusation_threshold_rules,
    ), f"run python -m classifier sweep: the best point is now {best.line()}"


def test_hard_negative_set_names_people_without_accusing_them() -> None:
    records = load_labelled(training_files()[0].parent / "feedback_hardneg.jsonl")
    negatives = [r for r in records if not r["accusation"]]
    positives = [r for r in records if r["accusation"]]
    assert len(negatives) >= 75 and len(positives) >= 35
    named = [r for r in negatives if target_evidence(normalise(r["text"]))[1] >= 0.7]
    assert len(named) >= 60  # they name someone identifiable, and accuse no one
    assert sum(r["text"].isascii() for r in positives) >= 4
    assert sum(any(c in r["text"] for c in "個們這處說聽會開") for r in positives) >= 4  # traditional
    assert sum(any(w in r["text"] for w in ("阿拉", "额", "侪", "伊")) for r in positives) >= 4
    assert sum(len(r["text"]) <= 20 for r in positives) >= 5


# --- accusations the wider rules and the gates catch ----------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "进博驿站负责人施某截留了志愿者补贴",  # withheld funds
        "综合处处长的外甥面试倒数也被录了，第一名被刷了",  # hiring out of turn
        "那个副处长用三折的价格买了开发商的房子",  # buying far below the price
        "建设处处长一个人就拍板，会议纪要都是事后补的",  # one-man rule
        "听说名额被管委会的黄某拿出去卖，一个十几万",  # selling places
        "鑫泰置业骗取扶持资金，数据是做出来的",  # a named company's fraud
        "人才办姓吴的科员让我们把补贴的一半返给他",  # a cut handed back
        "管委會的許主任收了開發商一套房，容積率就批下來了",  # traditional characters
        "阿拉晓得规划科额小张，伊帮开发商改图纸，拿了交关铜钿",  # Shanghainese
        "Ms. Huang at the service centre uses her position to get listings from developers.",
    ],
)
def test_wider_rules_catch_more_kinds_of_wrongdoing(text: str) -> None:
    assert check_accusation(normalise(text)).accusation, text


@pytest.mark.parametrize(
    "text",
    [
        "张科长收了开发商的卡",  # short (classifier/data/labelled/feedback_hardneg.jsonl)
        "聽說招商處王處長的小舅子開了家公司，專門接管委會的活",  # traditional, hearsay
        "Director Liu's brother-in-law owns the firm that wins all the committee's service contracts.",
    ],
)
def test_short_and_indirect_accusations_are_sealed(classifier: Classifier, text: str) -> None:
    assert classifier.classify(text).accusation, text


@pytest.mark.parametrize(
    "text",
    [
        "听说管委会里有人在外面兼职拿钱，但是不知道是谁",  # nobody identifiable
        "我是一家施工单位的负责人，工程款一直拖着，找哪个部门？",  # the writer's own role
        "我们公司的顾问是前管委会工作人员，这样合规吗？",
        "去哪里刻公司的公章？新注册的企业",
        "华信科技今年搬进了核心区的写字楼，希望多一些这样的企业",  # a named company, no wrongdoing
        "建议公开专项资金的评审名单，防止暗箱操作",
        "感谢产业处王处长帮我们对接了银行，贷款很快批了",
        "材料不够也没关系，可以后补吗？",
        # Not here since 2026-12-02: "管委会的张主任去年调走了" (a named official, mentioned) gets
        # P 0.76, over the 0.70 the sweep now picks; an inspector's look is the price of recall.
        "我是李科长介绍来的，想咨询一下人才公寓",
        "要表扬一下规划科的小李，每次都很快回复",
    ],
)
def test_hard_negatives_stay_unsealed(classifier: Classifier, text: str) -> None:
    assert not classifier.classify(text).accusation, text


@pytest.mark.parametrize(
    "text",
    [
        "💰💰兼职刷单日赚500+ 加V:xxxx 💰💰",
        "被拍了违章,那个路口的摄像头是不是有问题?我明明没压线",
        "請問在虹橋這邊哪裡可以辦港澳通行證?",
        "Where can I renew my residence permit near Hongqiao?",
        "您好,我目前不在办公室,将于下周一返回,紧急事务请联系我的同事。",
        "在虹桥天地买的衣服有质量问题,商家不给退",
        "房东不退押金还扣了我一千块清洁费",
    ],
)
def test_other_authorities_matters_and_spam_are_out_of_scope(classifier: Classifier, text: str) -> None:
    assert classifier.classify(text).out_of_scope, text


# --- the machinery: trie matcher, BM25 tables, bounded work ----------------------------------------


def test_trie_matcher_finds_leftmost_longest_terms() -> None:
    matcher = TermMatcher({"绿地": 1, "公共绿地": 2, "park": 1, "parking": 1, "vacan*": 1, "500强": 1})
    assert matcher.find("公共绿地和绿地") == ["公共绿地", "绿地"]
    assert matcher.find("parks, parking lots, a parkway, spark") == ["park", "parking"]
    assert matcher.find("vacancy 500强企业") == ["vacan*", "500强"]
    assert TermMatcher({}).find("anything") == []


def test_trie_matcher_matches_like_a_flat_alternation() -> None:
    terms = {t: 1.0 for t in ("空置", "空置率", "空关", "office", "office_tower*".replace("_", " "), "tower")}
    parts = []
    for term in sorted(terms, key=lambda t: (-len(t), t)):
        if term.isascii():
            tail = r"[a-z]*" if term.endswith("*") else r"(?:s|es)?(?![a-z])"
            parts.append(rf"(?<![a-z]){re.escape(term.rstrip('*'))}{tail}")
        else:
            parts.append(re.escape(term))
    flat = re.compile("|".join(parts))
    texts = [normalise(r["text"]) for r in load_labelled(training_files()[0])]
    texts += ["空置率空关空置 office towers, officers, tower", "空置空置率"]
    matcher = TermMatcher(terms)
    for text in texts:
        assert [m.group(0) for m in matcher._pattern.finditer(text)] == flat.findall(text)  # noqa: SLF001


def test_bm25_tables_hold_the_formula() -> None:
    docs = [Counter({"楼宇": 3, "空置": 1}), Counter({"绿地": 2}), Counter({"楼宇": 1, "绿地": 1, "党建": 4})]
    bm25 = Bm25(docs)
    avg = sum(sum(d.values()) for d in docs) / 3
    for i, doc in enumerate(docs):
        for word, tf in doc.items():
            df = sum(word in d for d in docs)
            idf = math.log(1 + (3 - df + 0.5) / (df + 0.5))
            norm = 1.2 * (1 - 0.75 + 0.75 * sum(doc.values()) / avg)
            assert bm25.term_score(i, word) == pytest.approx(idf * tf * 2.2 / (tf + norm))
    assert bm25.scores({"楼宇": 2.0}) == pytest.approx([2 * bm25.term_score(i, "楼宇") for i in range(3)])
    assert bm25.term_score(1, "楼宇") == 0.0


def test_long_texts_are_classified_on_a_bounded_part(
    classifier: Classifier, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The bound itself, not a wall-clock time (classifier/evaluation.py prints the time for 10,000
    # characters): whatever the length, the steps that cost per character see at most the head and
    # the tail, so the work per message is bounded.
    texts = "".join(r["text"] for path in training_files() for r in load_labelled(path))
    seen: list[int] = []

    def recorded(method):  # noqa: ANN001, ANN202 - a spy around the instance's own method
        def spy(*args):  # noqa: ANN002, ANN202
            seen.append(len(args[-1]))
            return method(*args)

        return spy

    segmenter = classifier._segmenter  # noqa: SLF001 - spy on the segmenter this classifier uses
    monkeypatch.setattr(segmenter, "words", recorded(segmenter.words))
    monkeypatch.setattr(TermMatcher, "find", recorded(TermMatcher.find))
    monkeypatch.setattr(classifier_module, "check_accusation", recorded(classifier_module.check_accusation))
    monkeypatch.setattr(classifier_module, "bigrams", recorded(classifier_module.bigrams))
    bound = HEAD_CHARS + TAIL_CHARS + 1  # head, "。", tail
    for length in (10_000, 100_000):
        seen.clear()
        result = classifier.classify(texts[:length], "主题")
        assert result.suggestions and len(seen) >= 5
        assert max(seen) <= bound, f"a step saw {max(seen)} characters of a {length:,}-character text"
        assert len(classifier.gate_input(texts[:length]).text) <= bound
    long = texts[:10_000]
    assert classifier.classify(long) == classifier.classify(f"{long[:HEAD_CHARS]}。{long[-TAIL_CHARS:]}")


def test_segmenter_cuts_like_jieba_with_the_words_added(classifier: Classifier) -> None:
    # The segmenter shares jieba's default dictionary instead of copying it (≈80 MB) and keeps only
    # the catalogue's words apart; its words must be those of a private jieba tokenizer.
    import jieba

    segmenter = classifier._segmenter  # noqa: SLF001
    private = jieba.Tokenizer()
    private.initialize()
    for word in sorted(segmenter.added_words):
        private.add_word(word, freq=50_000)
    ours = segmenter._tokenizer  # noqa: SLF001
    texts = [normalise(r["text"]) for path in training_files() for r in load_labelled(path)]
    texts += ["", "abc Director Zhang 1+1+4 “1+1+4”联动 ＡＢＣ x1y2 \r\n 空置率", "空"]
    for text in texts:
        assert list(ours.cut_for_search(text)) == list(private.cut_for_search(text, HMM=False)), text
    assert ours._base is jieba.dt.FREQ  # noqa: SLF001 - read, not copied
    assert len(ours._added) < 20_000  # noqa: SLF001 - the added words and their prefixes only


def test_rules_only_classifier_has_no_gates() -> None:
    assert rules_classifier().gates is None
