using NetGen.Samples;
using Xunit;

namespace NetGen.Tests
{
    /// <summary>LeNet-5 (section 6.9) learns: the sample's training on the built-in digits, upscaled to 28x28.</summary>
    public class LeNetTrainingTests
    {
        [Fact]
        public void LeNet5_learns_the_built_in_digits()
        {
            var (images, labels) = Digits.Load28();
            Assert.Equal(Digits.Count, labels.Length);
            Assert.Equal(61706, Samples.LeNet5.ParameterCount);

            double first = 0;
            double accuracy = Program.TrainLeNet(images, labels, epochs: 3, (epoch, loss, acc, seconds) =>
            {
                if (epoch == 1) first = loss;
            });

            // 10 classes: chance is 10 %; three epochs of SGD reach over 90 % on the 360 held-out digits.
            Assert.True(accuracy >= 0.90, $"test accuracy {accuracy:P1}");
            Assert.True(first < 2.3, $"first epoch's mean loss {first}");
        }
    }
}
